"""Eval metrics are deterministic and mean what their names say."""

from eval.metrics import fact_found, fact_found_strict, percentile, precision, recall_at, reciprocal_rank

A, B, C = ("f", "1"), ("f", "2"), ("g", "header")


def test_recall_and_rr():
    assert recall_at({A, B}, [C, A, B], 1) == 0.0
    assert recall_at({A, B}, [C, A, B], 3) == 1.0
    assert reciprocal_rank({B}, [C, A, B]) == 1 / 3
    assert reciprocal_rank({B}, [C]) == 0.0


def test_precision_none_when_nothing_cited():
    assert precision({A}, []) is None
    assert precision({A}, [A, C]) == 0.5


def test_fact_numbers_must_match_exactly():
    assert fact_found("ca. 32 pladser", "Der oprettes ca. 32 nye pladser i regionen")
    assert not fact_found("ca. 32 pladser", "Der oprettes ca. 23 pladser")
    assert fact_found("15.07.17", "opsiger aftalen pr. 15.07.17.")


def test_fact_words_mostly_present():
    assert fact_found("Randers Kommune opsiger IV- aftalen", "Randers Kommune opsiger IV-aftalen pr. 15.07.17")
    assert not fact_found("Randers Kommune opsiger IV- aftalen", "Favrskov drøfter aftalen")


def test_strict_match():
    assert fact_found_strict("SDCA’s indgang", "sdca's  indgang til klyngen")


def test_percentile():
    assert percentile([], 50) == 0.0
    assert percentile([5.0], 95) == 5.0
    assert percentile([1, 2, 3, 4, 5], 50) == 3.0


def test_an_unreadable_baseline_means_no_diff_not_a_crash(tmp_path) -> None:
    from io import StringIO

    from rich.console import Console

    from eval.harness import _read_baseline

    out = StringIO()
    console = Console(file=out, width=200)
    empty = tmp_path / "empty.json"
    empty.write_text("")
    assert _read_baseline(empty, console) is None
    assert "not a summary JSON" in out.getvalue()
    assert _read_baseline(tmp_path / "missing.json", console) is None
    good = tmp_path / "baseline.json"
    good.write_text('{"recall@5": 0.9}')
    assert _read_baseline(good, console) == {"recall@5": 0.9}
