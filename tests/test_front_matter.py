"""Questions about the meeting itself (who takes part, who attended) bring the meeting's front
matter along: its lists of names share few words with the question, so neither search finds it."""

from __future__ import annotations

from rag.pipeline import Pipeline
from rag.types import HEADER


def test_membership_question_retrieves_and_quotes_the_participant_list(fake_settings):
    pipeline = Pipeline(fake_settings)
    question = "Hvilke kommuner indgår i Midtklyngen?"
    hits = pipeline.search(question).hits
    assert [h.chunk.item for h in hits].count(HEADER) == 1
    assert all(h.chunk.cluster == "Midtklyngen" for h in hits)
    answer = pipeline.ask(question)
    header = [c for c in answer.citations if c.item == HEADER]
    assert header and "Silkeborg Kommune" in header[0].quote


def test_other_questions_do_not_get_the_front_matter(fake_settings):
    hits = Pipeline(fake_settings).search("Hvad besluttede Midtklyngen om tele-KOL?").hits
    assert HEADER not in [h.chunk.item for h in hits]

