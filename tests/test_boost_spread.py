"""A boost ("the asked year", "the meeting's front matter") lifts an item by a share of the
candidates' relevance spread. Fused RRF scores of the best items lie within a few percent of each
other, so a boost proportional to the score would put every item of the asked year above the one
item that answers. Two meetings of one cluster: the 2023 meeting decided the 2024 money."""

from __future__ import annotations

from pathlib import Path

from rag.pipeline import Pipeline
from tests.conftest import make_settings

PARSE = Path(__file__).parent / "parse"


def test_the_answering_item_outranks_items_that_only_match_the_year(tmp_path):
    pipeline = Pipeline(make_settings(tmp_path / "index"))
    pipeline.ingest([PARSE / "unseen" / "d_aarhus_psykiatri.pdf", PARSE / "unseen2" / "e_aarhus_ad.docx"])
    assert {m.cluster for m in pipeline.meetings().values()} == {"Aarhusklyngen"}
    question = "Hvor mange penge blev afsat til peer-støtte i Aarhusklyngen i 2024?"
    hits = pipeline.search(question).hits
    assert (hits[0].chunk.file, hits[0].chunk.item) == ("d_aarhus_psykiatri.pdf", "5")
    answer = pipeline.ask(question)
    assert not answer.refused and "1,1 mio. kr." in answer.answer
