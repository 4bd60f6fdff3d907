"""Minimal reproductions of parser failures found on a ninth round of unseen layouts
(tests/parse/unseen9/): running case numbers ("Sag 31/2024"), an agenda list whose entries end
in "(beslutning)" before items numbered in margin frames, an agenda slide that shortens the
titles the item pages print in full, a cluster named "Sydvestjysk Sundhedsklynge", and a title
block "Klyngestyregruppen" / "Klynge Bornholm"."""

from __future__ import annotations

from tests.parse.conftest import item, outline, parse


def test_running_case_numbers_are_the_items() -> None:
    m = parse(
        "Referat\n"
        "Klyngestyregruppen – Klynge Syd\n"
        "Dato: 19/09-2024\n"
        "Sted: Aalborg Universitetshospital, Farsø\n"
        "Sag 31/2024\tGodkendelse af dagsorden og referat fra mødet 13/06-2024\n"
        "Indstilling\n"
        "Det indstilles, at klyngestyregruppen godkender dagsordenen.\n"
        "Konklusion:\n"
        "Dagsorden og referat blev godkendt.\n"
        "Sag 32/2024\tPalliation – fælles indsats for borgere i eget hjem\n"
        "Sagsfremstilling\n"
        "Projektet skal sikre basal palliation i eget hjem. Der henvises til sag 24/2024.\n"
        "Konklusion:\n"
        "Klyngestyregruppen godkendte projektet.\n"
    )
    assert outline(m) == [("31/2024", "Godkendelse af dagsorden og referat fra mødet 13/06-2024"),
                          ("32/2024", "Palliation – fælles indsats for borgere i eget hjem")]
    assert item(m, "32/2024").decision == "Klyngestyregruppen godkendte projektet."
    assert m.date == "2024-09-19"


def test_agenda_entries_say_what_the_item_is_for_not_its_title() -> None:
    m = parse(
        "Dagsorden og referat\n"
        "Klyngestyregruppemøde i Randersklyngen\n"
        "Tid: Torsdag den 17. juni 2021 kl. 13.00–15.30\n\n"
        "Dagsorden\n"
        "1. Godkendelse af dagsorden (beslutning)\n"
        "2. Sundhedsaftalen – status (orientering)\n\n"
        "1\n"
        "Godkendelse af dagsorden\n"
        "Indstilling\n"
        "Det indstilles, at klyngestyregruppen godkender dagsordenen.\n"
        "Referat: Dagsordenen blev godkendt.\n"
        "2\n"
        "Sundhedsaftalen – status\n"
        "Sagsfremstilling\n"
        "Sekretariatet har udarbejdet en status.\n"
        "Punktet var til orientering.\n"
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Sundhedsaftalen – status")]


def test_an_agenda_that_shortens_titles_gives_way_to_the_full_heading() -> None:
    m = parse(
        "Sydvestjysk\n"
        "Sundhedsklynge\n"
        " Styregruppemøde\n"
        "Torsdag den 30. november 2023 kl. 9.30–12.00\n"
        "Sted: Sydvestjysk Sygehus Esbjerg\n"
        "Dagsorden\n"
        "1. Velkomst og godkendelse af dagsorden\n"
        "2. Palliation – fælles vagtordning\n"
        "3. Eventuelt\n"
        "Dagsorden og bilag blev udsendt den 16. november 2023.\n"
        "Velkomst og godkendelse af dagsorden\n"
        "Referat: Dagsordenen blev godkendt.\n"
        "Palliation – fælles vagtordning for\n"
        "borgere i eget hjem\n"
        "Arbejdsgruppen har kortlagt behovet for rådgivning uden for dagtid.\n"
        "Referat: Styregruppen godkendte en fælles palliativ vagtordning fra 1. marts 2024.\n"
        "Eventuelt\n"
        "Intet.\n"
    )
    assert outline(m) == [("1", "Velkomst og godkendelse af dagsorden"),
                          ("2", "Palliation – fælles vagtordning for borgere i eget hjem"), ("3", "Eventuelt")]
    assert m.cluster == "Sydvestjysk Sundhedsklynge"


def test_a_definite_group_word_is_the_body_and_the_next_line_the_cluster() -> None:
    m = parse(
        "Referat – Klyngestyregruppen\n"
        "Klynge Bornholm\n"
        "2024-03-05\n"
        "Sted: Bornholms Hospital, mødelokale 1\n\n"
        "1 Godkendelse af dagsorden\n"
        "Beslutning: Dagsordenen blev godkendt.\n\n"
        "2 Eventuelt\n"
        "Intet.\n"
    )
    assert (m.cluster, m.body, m.date) == ("Klynge Bornholm", "Klyngestyregruppen", "2024-03-05")
