"""Minimal reproductions of parser failures found on a seventh round of unseen layouts
(tests/parse/unseen7/): a table with one row per item whose rows are grouped under merged-cell
rows, a decision label inside the paragraph it closes, a "–" in the decision column, an item added
as "Sag 4a", and the meeting date given only in a closing "Mødet blev afholdt tirsdag den …"."""

from __future__ import annotations

from tests.parse.conftest import item, norm, outline, parse


def test_item_rows_under_merged_group_rows_keep_the_decision_column() -> None:
    m = parse(
        "HORSENSKLYNGEN\n"
        "Referat\n"
        "Mødedato\tTorsdag den 25. november 2021\n\n"
        "Referat af mødets punkter\n"
        "Nr.\tEmne\tSagsfremstilling og indstilling\tBeslutning\n"
        "1.\tGodkendelse af dagsorden\tSagsfremstilling: Udsendt.\tGodkendt.\n"
        "Sager til beslutning\n"
        "2.\tIV-behandling i eget hjem\tSagsfremstilling: Piloten er evalueret.\tGodkendt. Ordningen gøres permanent.\n"
        "Sager til orientering\n"
        "3.\tStatus på covid-19\tSagsfremstilling: 14 indlagte.\t–\n"
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "IV-behandling i eget hjem"),
                          ("3", "Status på covid-19")]
    assert item(m, "2").decision == "Godkendt. Ordningen gøres permanent."
    assert item(m, "3").decision is None  # "–": nothing was decided


def test_a_decision_label_inside_the_paragraph_it_closes() -> None:
    m = parse(
        """
        REFERAT
        Klyngestyregruppen for Randersklyngen
        Dato: Torsdag den 14. marts 2019

        Ad pkt. 1: Godkendelse af dagsorden
        Der var ingen bemærkninger til referatet fra sidste møde. Beslutning: Dagsordenen blev
        godkendt.

        Ad pkt. 2: Ansøgning om klyngemidler
        Klyngestyregruppen var positiv over for projektet. Beslutning:
        Ansøgningen blev godkendt med 385.000 kr.

        Ad pkt. 3: Eventuelt
        Intet. Der blev talt om beslutning: et ord midt i en sætning.
        """
    )
    assert [i.number for i in m.items] == ["1", "2", "3"]
    assert norm(item(m, "1").decision) == norm("Dagsordenen blev godkendt.")
    assert norm(item(m, "2").decision) == norm("Ansøgningen blev godkendt med 385.000 kr.")
    assert item(m, "3").decision is None


def test_an_item_added_between_two_numbered_items() -> None:
    m = parse(
        """
        Referat
        Styregruppen for Aarhusklyngen
        Dato: Torsdag den 6. marts 2025

        Sag 4 – Forløbsprogram for type 2-diabetes
        Konklusion: Godkendt.

        Sag 4a – Midlertidige pladser ved overbelægning
        Konklusion: Styregruppen tiltrådte forslaget.

        Sag 5 – Eventuelt
        Intet.
        """
    )
    assert outline(m) == [("4", "Forløbsprogram for type 2-diabetes"),
                          ("4a", "Midlertidige pladser ved overbelægning"), ("5", "Eventuelt")]
    assert item(m, "4a").decision == "Styregruppen tiltrådte forslaget."


def test_the_meeting_date_in_a_closing_sentence_beats_a_sent_date_at_the_top() -> None:
    m = parse(
        """
        Referat
        Klyngestyregruppen for Midtklyngen · møde nr. 4/2024
        Udsendt: 15.10.2024
        1
        GODKENDELSE AF DAGSORDEN
        Baggrund
        Dagsordenen blev udsendt den 1. oktober 2024.
        Klyngestyregruppen godkendte dagsordenen.
        2
        ANSØGNING OM KLYNGEMIDLER
        Baggrund
        Kommunerne søger om 540.000 kr.
        Klyngestyregruppen bevilgede 540.000 kr.
        3
        EVENTUELT
        Baggrund
        Intet.
        Mødeoplysninger
        Mødet blev afholdt tirsdag den 8. oktober 2024 kl. 14.00–16.30.
        Sted: Regionshospitalet Viborg, mødelokale Nørreå
        """
    )
    assert [i.number for i in m.items] == ["1", "2", "3"]
    assert m.date == "2024-10-08"  # not the date it was sent (15.10.2024)


def test_a_lettered_sub_heading_inside_an_item_is_no_added_item() -> None:
    m = parse(
        """
        Referat
        Dato: 6. marts 2025

        Punkt 3 – Økonomi
        3a. Budget for 2025
        Tekst om budgettet.
        Beslutning: Godkendt.

        Punkt 4 – Eventuelt
        Intet.
        """
    )
    assert outline(m) == [("3", "Økonomi"), ("4", "Eventuelt")]
