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



def test_when_meetings_are_held_is_answered_by_the_meeting_plan(fake_settings):
    """'Hvornår holder klyngen møder?' shares no topic word with the 'Mødeplan 2023' item."""
    answer = Pipeline(fake_settings).ask("Hvornår holder Randersklyngens klyngestyregruppe møder i 2023?")
    first = answer.citations[0]
    assert (first.file, first.item) == ("003_c6781893e29dcfac.txt", "12")
    assert "29. marts" in first.quote and "24. november" in first.quote


def test_a_period_after_the_minutes_is_when_the_planned_meetings_fall(fake_settings):
    """Randersklyngen's minutes of January 2023 plan the autumn's meetings; no minutes are from the
    autumn itself, so the period cannot restrict which minutes answer."""
    answer = Pipeline(fake_settings).ask("Hvornår mødes klyngestyregruppen i Randersklyngen i efteråret 2023?")
    assert not answer.refused
    plan = [c for c in answer.citations if (c.file, c.item) == ("003_c6781893e29dcfac.txt", "12")]
    assert plan and "28. september" in plan[0].quote


def test_the_next_meeting_is_not_answered_by_next_meeting(fake_settings):
    """Klynge Syd's minutes give no date for its next meeting; "Emnet behandles igen på næste møde"
    is no answer to when it is."""
    answer = Pipeline(fake_settings).ask("Hvornår er næste møde i Syd-klyngens styregruppe efter januar 2022?")
    assert answer.refused
