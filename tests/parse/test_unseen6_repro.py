"""Minimal reproductions of parser failures found on a sixth round of unseen layouts
(tests/parse/unseen6/): pipe-separated item lines, a place wrapped onto the next line, and every
decision in one table after the last item."""

from __future__ import annotations

from tests.parse.conftest import item, outline, parse


def test_pipe_separated_item_lines_keep_their_other_fields_as_text() -> None:  # a: titles held "| Sagsnr."
    m = parse(
        """
        Beslutningsprotokol – Klyngestyregruppen, Horsensklyngen
        Mødedato: 5.3.2025
        Mødested: Regionshospitalet Horsens, Sundvej 30, 8700 Horsens – mødelokale
        Bygholm (indgang 2)
        Deltagere: Jens Ole Mikkelsen

        Punkt 1 | Godkendelse af dagsorden | Sagsnr. 25/0412 | Ansvarlig: Jens Ole Mikkelsen
        Klyngestyregruppens beslutning: Godkendt.

        Punkt 2 | Klyngemidler 2025 | Sagsnr. 25/0233 | Ansvarlig: Mads Holst
        Klyngestyregruppens beslutning: Midlerne blev fordelt.
        """
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Klyngemidler 2025")]
    assert "Ansvarlig: Mads Holst" in item(m, "2").text
    assert m.place == "Regionshospitalet Horsens, Sundvej 30, 8700 Horsens – mødelokale Bygholm (indgang 2)"


def test_a_finished_place_takes_no_next_line() -> None:
    m = parse(
        """
        Referat – Klyngestyregruppen, Vestklyngen
        Dato: 14. november 2024
        Mødested: Gødstrup Hospital, mødelokale A2.03
        Ekstra mødelokale til grupper
        Deltagere: Anne Hansen

        1. Godkendelse af dagsorden
        Beslutning: Godkendt.
        """
    )
    assert m.place == "Gødstrup Hospital, mødelokale A2.03"


def test_decisions_in_one_table_after_the_last_item() -> None:  # f: no item had a decision
    m = parse(
        "Referat fra møde i Sundhedsklyngebestyrelsen, Aarhusklyngen\n"
        "Dato: 20. maj 2025\n\n"
        "1) Godkendelse af dagsorden\n"
        "Sagsfremstilling: Dagsordenen er udsendt.\n\n"
        "2) Takst for midlertidige pladser\n"
        "Sagsfremstilling: Taksten foreslås hævet.\n\n"
        "3) Eventuelt\n"
        "Sagsfremstilling: Intet.\n\n"
        "Beslutninger\n"
        "Punkt\tBeslutning\n"
        "1\tDagsordenen blev godkendt.\n"
        "2\tTaksten på 3.450 kr. pr. døgn blev godkendt.\n"
        "3\tNæste møde afholdes 9. september 2025.\n"
        "Referatet er godkendt af formand og næstformand 26. maj 2025.\n"
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Takst for midlertidige pladser"),
                          ("3", "Eventuelt")]
    assert item(m, "2").decision == "Taksten på 3.450 kr. pr. døgn blev godkendt."
    assert "Taksten på 3.450 kr. pr. døgn blev godkendt." in item(m, "2").text  # quotes stay verbatim
    assert item(m, "3").decision == "Næste møde afholdes 9. september 2025."
    assert "Dagsordenen blev godkendt" not in item(m, "3").text  # the table is no part of the last item


def test_a_body_named_by_article_and_adjective() -> None:  # e: "forum"
    m = parse(
        """
        Klynge Syd
        Referat – Det administrative forum
        Tid: Torsdag d. 23. januar 2025 kl. 9.00-11.30

        1. Godkendelse af dagsorden
        Referat: Godkendt.
        """
    )
    assert m.body == "Det administrative forum"
