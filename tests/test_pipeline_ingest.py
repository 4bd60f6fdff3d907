"""Pipeline ingest: unchanged files are not even re-parsed; a changed parser or file re-parses."""

from __future__ import annotations

import shutil

import rag.pipeline as pipeline_module
from rag.index import current_build_id
from rag.pipeline import Pipeline
from tests.conftest import MINUTES, make_settings


def _count_parses(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = pipeline_module._parse_one

    def counting(job):
        calls.append(job[1])
        return real(job)

    monkeypatch.setattr(pipeline_module, "_parse_one", counting)
    return calls


def test_unchanged_files_are_skipped_before_parsing(tmp_path, monkeypatch):
    src = tmp_path / "minutes"
    shutil.copytree(MINUTES, src)
    p = Pipeline(make_settings(tmp_path / "index"))
    first = p.ingest([src])
    assert first.build is not None and first.unchanged == 0
    build = current_build_id(tmp_path / "index")

    calls = _count_parses(monkeypatch)
    again = p.ingest([src])
    assert calls == [] and again.unchanged == 5 and again.build is None
    assert current_build_id(tmp_path / "index") == build, "nothing to do: the serving build stays"

    changed = src / "000_027e0e0cb2de1631.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nEkstra linje.\n", encoding="utf-8")
    third = p.ingest([src])
    assert [c.endswith("000_027e0e0cb2de1631.txt") for c in calls] == [True]
    assert third.unchanged == 4 and third.build is not None and third.build.files_updated == 1


def test_a_different_parser_fingerprint_reparses(tmp_path, monkeypatch):
    p = Pipeline(make_settings(tmp_path / "index"))
    p.ingest([MINUTES])
    calls = _count_parses(monkeypatch)
    other = Pipeline(make_settings(tmp_path / "index"))
    other._fingerprint = "parser-v2"  # as if rag/parse had changed
    report = other.ingest([MINUTES])
    assert len(calls) == 5 and report.unchanged == 0


def test_prune_and_rebuild_always_parse(tmp_path, monkeypatch):
    p = Pipeline(make_settings(tmp_path / "index"))
    p.ingest([MINUTES])
    calls = _count_parses(monkeypatch)
    p.ingest([MINUTES], prune=True)
    assert len(calls) == 5


def test_an_analyzer_upgrade_makes_rag_ingest_rebuild_the_lexical_index(tmp_path, monkeypatch, caplog):
    """Unchanged files after an upgrade that changed the Danish analyzer: ``rag ingest`` makes a new
    build (BM25 and item terms from the new analyzer) without embedding anything again."""
    import rag.index as index_module

    src = tmp_path / "minutes"
    shutil.copytree(MINUTES, src)
    first = Pipeline(make_settings(tmp_path / "index")).ingest([src])
    for module in (pipeline_module, index_module):
        monkeypatch.setattr(module, "ANALYZER_ID", "next-analyzer")
    with caplog.at_level("INFO"):
        again = Pipeline(make_settings(tmp_path / "index")).ingest([src])
    assert again.build is not None and again.unchanged == 0
    assert again.build.chunks_embedded == 0 and again.build.chunks_reused == first.build.n_chunks
    assert "reusing FAISS and BM25" not in caplog.text
