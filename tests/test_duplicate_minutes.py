"""The same meeting published in two files (a PDF and its web page): both are indexed, each item
is cited once."""

from __future__ import annotations

from rag.pipeline import Pipeline
from tests.conftest import make_settings
from tests.test_unknown_cluster import MIDT


def test_minutes_published_in_two_files_are_cited_once(tmp_path):
    for name in ("midt.txt", "midt_webudgave.txt"):
        (tmp_path / name).write_text(MIDT, encoding="utf-8")
    pipeline = Pipeline(make_settings(tmp_path / "index"))
    pipeline.ingest([tmp_path / "midt.txt", tmp_path / "midt_webudgave.txt"])
    assert len(pipeline.meetings()) == 2
    answer = pipeline.ask("Hvad besluttede Midtklyngen om demensforløbet?")
    assert [c.item for c in answer.citations if c.item != "header"] == ["1"]
