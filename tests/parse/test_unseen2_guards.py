"""Guards for the second round of layout fixes: what must NOT change (roman numerals, decision labels)."""

from __future__ import annotations

import textwrap

from rag.parse import parse_minutes
from rag.parse.patterns import match_section_heading


def parse(text: str):
    return parse_minutes(textwrap.dedent(text).lstrip("\n"), "fixture.txt")


def test_initial_before_a_name_is_not_an_item_and_keeps_the_list() -> None:
    m = parse(
        """
        Referat – Klyngestyregruppen, Midtklyngen
        Dato: 3. maj 2024
        Deltagere:
        Anne Mohr, sundhedschef
        V. Hansen, overlæge
        I. Juul, praktiserende læge

        1. Godkendelse af dagsorden
        Beslutning: Godkendt.

        2. Eventuelt
        Beslutning: Intet.
        """
    )
    assert [i.number for i in m.items] == ["1", "2"]
    assert "V. Hansen, overlæge" in m.participants and "I. Juul, praktiserende læge" in m.participants


def test_roman_sub_list_inside_numbered_agenda_is_content() -> None:
    m = parse(
        """
        Referat – Klyngestyregruppen, Midtklyngen
        Dato: 3. maj 2024

        1. Godkendelse af dagsorden
        Beslutning: Godkendt.

        2. Sundhedsaftalen
        Sagsfremstilling:
        Aftalen har tre spor:
        I. Forebyggelse
        II. Sammenhæng
        III. Nærhed
        Beslutning: Taget til efterretning.

        3. Eventuelt
        Beslutning: Intet.
        """
    )
    assert [i.number for i in m.items] == ["1", "2", "3"]
    assert "II. Sammenhæng" in m.items[1].text


def test_decision_phrases_in_prose_are_not_headings() -> None:
    for s in ("Det blev besluttet at afprøve ordningen.", "Det blev besluttet, at ordningen afprøves.",
              "det blev aftalt: x", "Drøftelse og beslutning om budget"):
        assert match_section_heading(s) is None, s
