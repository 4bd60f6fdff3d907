"""Minimal reproductions of parser failures found on a fourth round of unseen layouts
(tests/parse/unseen4/): a decision log with lower-case "ad 1" items and "Det blev aftalt, at"
decisions, metadata labels without colons, a cover letter dated before the meeting, a group
name cut before "i <cluster>", and "Koordinationsgruppen"."""

from __future__ import annotations

from tests.parse.conftest import item, outline, parse


def test_a_decision_log_with_lower_case_ad_items() -> None:  # c: "no numbered agenda items found"
    m = parse(
        """
        BESLUTNINGSPROTOKOL
        Klyngestyregruppe Nord
        Møde d. 14.11.24 kl. 9.00-11.30

        ad 1\tGodkendelse af dagsorden
        Det blev aftalt, at dagsordenen godkendes med den ændring, at ad 3 behandles før ad 2.

        ad 2\tAkutfunktionen i Frederikshavn Kommune
        Dorthe Kjær fremlagde tal for det første halve år.

        Det blev aftalt, at der laves en fælles tjekliste.
        Det blev endvidere aftalt, at Hjørring melder tilbage.

        ad 3\tEventuelt
        Intet.
        """
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Akutfunktionen i Frederikshavn Kommune"),
                          ("3", "Eventuelt")]
    assert item(m, "1").decision.startswith("Det blev aftalt, at dagsordenen godkendes")
    assert item(m, "2").decision == ("Det blev aftalt, at der laves en fælles tjekliste.\n"
                                     "Det blev endvidere aftalt, at Hjørring melder tilbage.")
    assert item(m, "3").decision is None
    assert m.date == "2024-11-14"


def test_metadata_labels_without_colons() -> None:  # b: place "Sted Aalborg …", title swallowed the table
    m = parse(
        """
        Referat – Driftsgruppen, Klynge Syd
        Dato Tirsdag den 28. januar 2025, kl. 9.00-12.00
        Sted Aalborg Universitetshospital, Hobro, mødelokale 1
        Deltagere Lotte Holt Worup, områdechef, Mariagerfjord Kommune (formand)
        Afbud Anne Krøjer, direktør, Vesthimmerlands Kommune
        1. Godkendelse af dagsorden
        Beslutning: Godkendt.
        2. Eventuelt
        Beslutning: Intet.
        """
    )
    assert m.place == "Aalborg Universitetshospital, Hobro, mødelokale 1"
    assert m.title == "Referat – Driftsgruppen, Klynge Syd"
    assert m.date == "2025-01-28"


def test_a_cover_letter_date_is_not_the_meeting_date() -> None:  # f: 2025-01-23 and a body cut at "i"
    m = parse(
        """
        Sekretariatet for Horsensklyngen
        Horsens, den 23. januar 2025
        Til medlemmerne af Temagruppen for det nære sundhedsvæsen i Horsensklyngen

        Referat
        Temagruppen for det nære sundhedsvæsen, Horsensklyngen
        Torsdag den 16. januar 2025 kl. 13.00-15.30
        1. Velkomst
        Beslutning: Dagsordenen blev godkendt.
        2. Eventuelt
        Beslutning: Intet.
        """
    )
    assert m.date == "2025-01-16"
    assert m.body == "Temagruppen for det nære sundhedsvæsen"


def test_koordinationsgruppen_is_a_group() -> None:  # e: body None
    m = parse(
        """
        Referat Koordinationsgruppen, Midtklyngen
        Dato: 6. marts 2025
        1. Godkendelse af dagsorden
        Beslutning: Godkendt.
        """
    )
    assert m.body == "Koordinationsgruppen"


def test_numbering_that_restarts_under_a_group_heading_gets_the_groups_letter() -> None:  # e
    m = parse(
        """
        Referat
        Koordinationsgruppen, Midtklyngen
        Dato: 6. marts 2025

        1. Godkendelse af dagsorden
        Beslutning
        Godkendt.

        2. Budget 2025
        Indstilling
        Det indstilles, at budgettet godkendes.
        Beslutning
        Budgettet blev godkendt.

        Punkter til orientering

        1. Demens – status
        Orientering
        41 praksis bruger den fælles skabelon.
        Referat
        Taget til efterretning.

        2. Eventuelt
        Referat
        Næste møde 12. juni 2025.
        """
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025"), ("O1", "Demens – status"),
                          ("O2", "Eventuelt")]
    assert "Punkter til orientering" not in item(m, "2").text  # the group heading is no item's text
    assert item(m, "O1").decision == "Taget til efterretning."


def test_a_numbered_list_after_the_last_item_stays_its_text() -> None:
    m = parse(
        """
        Referat
        Klyngestyregruppe Nord
        Dato: 6. marts 2025

        1. Godkendelse af dagsorden
        Beslutning
        Godkendt.

        2. Opgaver til orientering
        Beslutning
        Sekretariatet følger op på disse punkter:

        Til orientering
        1. Demensstrategien sendes ud
        2. Tal for genindlæggelser
        """
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Opgaver til orientering")]
    assert "Demensstrategien sendes ud" in item(m, "2").text
