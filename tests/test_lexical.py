"""Danish analyzer and BM25 index: derivations, hyphens and compounds meet; filters apply before top-k."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.lexical import STOPWORDS, Analyzer, LexicalIndex, analyze, build_vocab, term

GENERIC = [
    "Status på telemedicin til borgere med KOL",
    "Næste møde afholdes i Viborg",
    "Orientering om nye tilbud til borgere i kommunen",
]
# Each group: spellings that must meet, and near misses sharing a part with them.
GROUPS = [
    (["IV-behandling", "IV behandling", "IV- behandling", "ivbehandling"],
     ["Behandling af ansøgninger om midler fra puljen", "Samarbejdsaftale om IV-aftale og hjemmepleje"]),
    (["Randersklyngen", "Randers klyngen", "Randers-klyngen"],
     ["Randers Kommune orienterede om tilbud", "Klyngen i Horsens drøftede ventetider"]),
    (["beslutning", "besluttede", "beslutte", "besluttet"], []),
    (["behandling", "behandlet"], []),
    (["godkendelse", "godkendt", "godkender"], []),
]
PAIRS = [
    (a, b, near) for forms, near in GROUPS for a, b in itertools.permutations(forms, 2)
]


@pytest.mark.parametrize(("doc_form", "query_form", "near"), PAIRS)
def test_query_form_finds_document_form(doc_form: str, query_form: str, near: list[str]) -> None:
    """A query with one spelling retrieves the document with the other as its top hit."""
    target = f"Punkt 4. Sagen om {doc_form} blev taget op på mødet"
    texts = [*near, *GENERIC[:1], target, *GENERIC[1:]]
    row = texts.index(target)
    hits = LexicalIndex.build(texts).search(query_form, 3)
    assert hits, f"{query_form!r} found nothing"
    assert hits[0][0] == row, f"{query_form!r} -> {[texts[r] for r, _ in hits]}"


@pytest.mark.parametrize("forms", [forms for forms, _ in GROUPS[2:]])
def test_derivations_share_a_term(forms: list[str]) -> None:
    assert len({term(w.lower()) for w in forms}) == 1


def test_stopwords_dropped_and_letters_kept() -> None:
    assert {"ikke", "og", "det", "på"} <= STOPWORDS
    assert analyze("Det er ikke til at sige, om de og vi kan nå det på Ærø i 2024") == [
        "sig", "nå", "ærø", "2024"  # "sige" and "nå" are content words, stemmed
    ]
    assert analyze("Sygeplejersker på Ålborg Sygehus") == ["sygeplejersk", "ålborg", "sygehus"]


def test_suspended_hyphen_before_conjunction_is_not_a_join() -> None:
    tokens = analyze("Social- og sundhedsdirektør Kate Bøgh")
    assert "social" in tokens and "sundhedsdirektør" in tokens
    assert not any(t.startswith("socialog") for t in tokens)


def test_decomposed_unicode_and_soft_hyphen_normalised() -> None:
    assert analyze("A\u030arhus be\u00adhandling") == analyze("Århus behandling")


def test_compound_split_needs_known_frequent_parts() -> None:
    vocab = build_vocab(["Randers Kommune", "Randers klyngen", "klyngen mødes", "godkendt godkendt godkende"])
    a = Analyzer(vocab)
    assert a.split("randersklyngen") == ("randers", "klyngen")
    assert a.split("godkende") == ()  # "god" + "kende" is not split: "godkend" is the frequent term
    assert a.split("psykiatriske") == ()


def test_allowed_mask_applied_before_top_k() -> None:
    texts = [f"IV-behandling og IV-behandling i hjemmet nummer {i}" for i in range(50)]
    texts.append("En enkelt omtale af behandling")  # row 50: weak match
    idx = LexicalIndex.build(texts)
    assert idx.search("IV behandling", 1, allowed=np.array([50])) == [(50, pytest.approx(idx.search(
        "IV behandling", 60)[-1][1]))]
    hits = idx.search("IV behandling", 5, allowed=np.array([3, 7, 50]))
    assert [r for r, _ in hits][:2] in ([3, 7], [7, 3]) and {r for r, _ in hits} == {3, 7, 50}
    assert idx.search("IV behandling", 5, allowed=np.array([], dtype=np.int64)) == []


def test_scores_descending_and_zero_scores_left_out() -> None:
    idx = LexicalIndex.build(["rygestop og rygestop", "rygestop", "kost og motion"])
    hits = idx.search("rygestop", 10)
    assert [r for r, _ in hits] == [0, 1]
    assert hits[0][1] >= hits[1][1] > 0
    assert idx.search("det og i", 10) == []  # stopwords only
    assert idx.search("ukendtord", 10) == []


def test_empty_index() -> None:
    idx = LexicalIndex.build([])
    assert idx.search("noget", 5) == []


def test_save_load_round_trip(tmp_path) -> None:
    texts = [*GENERIC, *GROUPS[0][1], *GROUPS[1][1], "Randersklyngen besluttede IV-behandling i eget hjem"]
    idx = LexicalIndex.build(texts)
    idx.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    for q in ["Randers klyngen", "ivbehandling", "beslutning om behandling", "borgere KOL", "Viborg"]:
        assert loaded.search(q, 5) == idx.search(q, 5)
        assert loaded.search(q, 5, allowed=np.array([0, 6])) == idx.search(q, 5, allowed=np.array([0, 6]))
    assert loaded.analyzer.vocab == idx.analyzer.vocab


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcæøåIV- \n\u00ad2019.,")), max_size=80))
def test_analyze_total_and_deterministic(text: str) -> None:
    tokens = analyze(text)
    assert tokens == analyze(text)
    assert all(t and t == t.lower() and " " not in t and "-" not in t for t in tokens)


def test_danish_letters_typed_without_a_danish_keyboard_are_restored_from_the_vocabulary():
    from rag.lexical import respell

    vocab = {"ældre": 3, "møde": 5, "mødet": 1, "på": 9, "aarhus": 2, "michael": 1}
    assert respell("aeldre patienter paa moedet", vocab) == "ældre patienter på mødet"
    assert respell("Moede i Aarhus med Michael", vocab) == "Møde i Aarhus med Michael"  # known words stay
    assert respell("haematologi", vocab) == "haematologi"  # no known respelling: unchanged


def test_a_respelled_question_finds_what_the_danish_one_finds(fake_settings):
    from rag.pipeline import Pipeline

    pipeline = Pipeline(fake_settings)
    ascii_hits = pipeline.search("Hvad besluttede Randersklyngen om aeldre medicinske patienter?").hits
    danish_hits = pipeline.search("Hvad besluttede Randersklyngen om ældre medicinske patienter?").hits
    assert [h.chunk.id for h in ascii_hits] == [h.chunk.id for h in danish_hits]
