"""A month the question names is the meetings' month, unless no meeting was held then and some
item speaks of that month: then it is when the topic happened ("Blev netværksmødet holdt i
november 2020?" asked of minutes from June 2020)."""

from __future__ import annotations

import pytest

from rag.pipeline import Pipeline
from rag.types import HEADER


def test_month_without_meetings_searches_the_items_that_speak_of_it(fake_settings):
    answer = Pipeline(fake_settings).ask("Blev netværksmødet for Læring og Mestring holdt i november 2020?")
    assert not answer.refused
    assert answer.answer.startswith("Der er ingen referater fra møder i november 2020")
    items = [(c.file, c.item) for c in answer.citations if c.item != HEADER]
    assert items == [("004_32335bc7de2af119.txt", "4")]  # the only item that names "nov. 2020"
    assert "udsættes til november 2021" in answer.citations[0].quote


@pytest.mark.parametrize("question", [
    "Hvad besluttede Randersklyngen om rygestop i november 2020?",  # no Randers item speaks of it
    "Hvad blev besluttet i november 2020?",  # the month is the whole question: no topic to look for
    "Hvad besluttede klyngerne om rygestop i marts 2021?",  # no item speaks of that month
])
def test_month_without_meetings_is_still_refused_otherwise(fake_settings, question):
    answer = Pipeline(fake_settings).ask(question)
    assert answer.refused and "i den periode" in answer.answer


def test_a_year_is_the_meetings_year_when_the_question_has_no_topic(fake_settings):
    """'i 2021' may be when a topic happened ("ledsagelse i 2018"); a question with no topic can
    only mean the meetings of that year, and Midtklyngen met in 2019."""
    pipeline = Pipeline(fake_settings)
    answer = pipeline.ask("Hvad besluttede Midtklyngen i 2021?")
    assert answer.refused and "i den periode" in answer.answer
    assert not pipeline.ask("Hvad besluttede Midtklyngen i 2019?").refused


def test_a_month_with_meetings_that_do_not_answer_is_read_as_when_the_topic_happened(tmp_path):
    """'… ved audit i oktober 2024': October 2024 had a meeting, about something else; the
    audit was reported in January 2025. The answer says so and quotes the January item."""
    from tests.conftest import make_settings

    minutes = tmp_path / "minutes"
    minutes.mkdir()
    (minutes / "okt.txt").write_text(
        "Referat\nKlyngestyregruppen, Klynge Syd\nDato: Torsdag den 3. oktober 2024 kl. 9-12\n\n"
        "1. Godkendelse af dagsorden\nBeslutning: Godkendt.\n\n"
        "2. Sundhedshus i Hobro\nBeslutning: Byggeriet følger tidsplanen.\n", encoding="utf-8")
    (minutes / "jan.txt").write_text(
        "Referat\nDriftsgruppen, Klynge Syd\nDato: Tirsdag den 28. januar 2025 kl. 9-12\n\n"
        "1. Godkendelse af dagsorden\nBeslutning: Godkendt.\n\n"
        "2. Medicinafstemning ved udskrivelse – FMK-audit\n"
        "Sagsfremstilling: Audit af 90 udskrivelser fra Medicinsk Afdeling i oktober 2024 viste, at "
        "medicinkortet ikke var afstemt ved 19 udskrivelser (21 pct.).\n"
        "Beslutning: Resultatet blev taget til efterretning.\n", encoding="utf-8")
    pipeline = Pipeline(make_settings(tmp_path / "index"))
    pipeline.ingest([minutes])
    answer = pipeline.ask("Hvor stor en andel af udskrivelserne havde ikke afstemt medicinkort ved FMK-audit "
                          "i oktober 2024?")
    assert not answer.refused
    assert answer.answer.startswith("Referaterne fra møder i oktober 2024 svarer ikke på spørgsmålet")
    assert [(c.file, c.item) for c in answer.citations if c.item != HEADER] == [("jan.txt", "2")]
    assert "21 pct." in answer.answer
    # the month as the meetings' month still refuses what no item speaks of
    assert pipeline.ask("Hvad besluttede klyngen om demens i oktober 2024?").refused
