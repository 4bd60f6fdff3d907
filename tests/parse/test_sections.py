"""Item sections and decisions: heading variants, inline text, order."""

from __future__ import annotations

from rag.parse.patterns import match_section_heading
from rag.parse.sections import decision_text, sections_dict, split_sections
from tests.parse.conftest import item, parse


def test_referat_and_konklusion_are_decisions() -> None:
    m = parse(
        """
        Dagsorden: Klyngestyregruppemøde
        Tidspunkt: Fredag den 21. juni 2019 kl. 8.30-12.00

        1. Fleksible indlæggelser (kl. 9.35-9.50) v/Knirke
        Indstilling:
        At klyngestyregruppen tager orienteringen til efterretning
        Sagsfremstilling:
        Der gives en præsentation af fleksible indlæggelser.
        Referat
        Orienteringen blev drøftet og taget til efterretning.

        2. Tele-KOL (kl. 9.50-10.20) v/Trine
        Indstilling:
        At klyngestyregruppen godkender aftalen
        Konklusion:
        Godkendelsen udskydes til næste møde.

        3. Skriftlige orienteringer
        Indstilling:
        At orienteringerne tages til efterretning.
        """
    )
    assert item(m, "1").decision == "Orienteringen blev drøftet og taget til efterretning."
    assert item(m, "2").decision == "Godkendelsen udskydes til næste møde."
    assert item(m, "3").decision is None
    assert [s.name for s in item(m, "1").sections] == ["indstilling", "sagsfremstilling", "beslutning"]


def test_inline_beslutning_and_beslutning_before_indstilling() -> None:
    m = parse(
        """
        Referat fra Klyngestyregruppemøde 22.06.17 på Regionshospitalet Randers.

        1. Godkendelse af dagsorden

        Indstilling: Dagsorden godkendes

        Beslutning: Dagsordenen blev godkendt.

        AD. 2: Varsling af opsigelse af IV- aftale:
        Beslutning:

        • Randers Kommune opsiger IV- aftalen pr. 15.07.17

        Sagsfremstilling:
        Udvalget i Randers Kommune har besluttet at opsige aftalen.

        Drøftelse:
        Favrskov afventer Randers.
        """
    )
    assert item(m, "1").decision == "Dagsordenen blev godkendt."
    assert item(m, "1").sections[0].text == "Dagsorden godkendes"
    two = item(m, "2")
    assert two.sections[0].name == "beslutning"
    assert two.decision == "• Randers Kommune opsiger IV- aftalen pr. 15.07.17"
    assert sections_dict(two.sections)["drøftelse"] == "Favrskov afventer Randers."


def test_free_text_outcome_after_the_proposal_is_the_decision() -> None:
    m = parse(
        """
        Referat Klyngestyregruppe Syd

        1. Status fra driftsgruppen ved Lotte Holt Worup
        Det indstilles:
        At orienteringen tages til efterretning og at opgaven
        overleveres til driftsgruppen
        Styregruppen takker for orientering og tog den til efterretning.

        2. Årshjul
        Det indstilles:
        At årshjulet drøftes

        3. Budget
        Det indstilles:
        At budgettet godkendes
        Baggrund for sagen er, at puljen er opbrugt i 2024.

        4. Akutfunktion
        Indstilling
        At status tages til efterretning
        Sagsfremstilling
        Akutfunktionen blev etableret i 2023 og har haft 400 besøg.
        """
    )
    one = item(m, "1")
    assert one.decision == "Styregruppen takker for orientering og tog den til efterretning."
    assert "tog den til efterretning" in one.text
    assert sections_dict(one.sections)["indstilling"].endswith("tog den til efterretning.")
    assert item(m, "2").decision is None  # a proposal and nothing after it
    assert item(m, "3").decision is None  # what follows reports no outcome
    assert item(m, "4").decision is None  # a background section follows the proposal


def test_heading_variants() -> None:
    cases = {
        "Beslutning": ("beslutning", ""),
        "Beslutning:": ("beslutning", ""),
        "Beslutning: Godkendt.": ("beslutning", "Godkendt."),
        "Udvalgets beslutning": ("beslutning", ""),
        "Beslutning i Klyngestyregruppen": ("beslutning", ""),
        "Referat": ("beslutning", ""),
        "Konklusion: Taget til efterretning": ("beslutning", "Taget til efterretning"),
        "Det indstilles,": ("indstilling", ""),
        "Det indstilles, at dagsordenen godkendes": ("indstilling", "at dagsordenen godkendes"),
        "Forslag til beslutning:": ("indstilling", ""),
        "Sagsbeskrivelse": ("sagsfremstilling", ""),
        "Baggrund:": ("sagsfremstilling", ""),
        "Resumé": ("sagsfremstilling", ""),
        "Sagsfremstilling.": ("sagsfremstilling", ""),
        "Økonomi:": ("økonomi", ""),
        "Bilag:": ("bilag", ""),
        "## Beslutning": ("beslutning", ""),
    }
    for line, (name, inline) in cases.items():
        got = match_section_heading(line)
        assert got is not None and (got[0], got[2]) == (name, inline), line
    for prose in (
        "Beslutningen blev, at Jens rundsender et oplæg.",
        "Referatet er godkendt.",
        "Konklusionen blev, at der gennemføres audits.",
        "Forslag til drøftelse og beslutning:",
    ):
        assert match_section_heading(prose) is None, prose


def test_heading_then_det_indstilles_is_one_section() -> None:
    secs = split_sections(
        ["Indstilling", "Det indstilles, at status tages til efterretning.", "Beslutning", "Godkendt."]
    )
    assert [s.name for s in secs] == ["indstilling", "beslutning"]
    assert secs[0].text == "at status tages til efterretning."
    assert decision_text(secs) == "Godkendt."


def test_wrapped_lowercase_word_is_not_a_section_heading():
    from rag.parse.patterns import match_section_heading

    assert match_section_heading("økonomi.") is None
    assert match_section_heading("beslutning") is None
    assert match_section_heading("Økonomi") is not None
    assert match_section_heading("beslutning: godkendt") is not None


def test_the_sign_off_at_the_end_is_also_front_matter() -> None:
    m = parse(
        """
        Referat Klyngestyregruppe Syd
        Mødedato: 10. januar 2022

        1. Velkomst
        Dagsorden blev godkendt.

        2. Evt.
        Intet til dette punkt

        Således opfattet IKA
        Godkendt af SA og LKL
        """
    )
    assert m.header.text.endswith("Således opfattet IKA\nGodkendt af SA og LKL")
    assert "Godkendt af SA og LKL" in item(m, "2").text  # and it stays where it was printed
    assert "Godkendt af" not in item(m, "1").text
