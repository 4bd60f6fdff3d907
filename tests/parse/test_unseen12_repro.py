"""Minimal reproductions of parser failures found on a twelfth round of unseen layouts
(tests/parse/unseen12/): a form of "Dagsordenspunkt: N<TAB>Emne: …" blocks with an "Opfølgning (hvem,
hvornår):" field, "Ad dagsordenens punkt N:", "N/ Title" items with "Aftale:" decisions, a contents
list that repeats the items' own "Pkt. 03" labels, and "(N) Title" Markdown headings with "**Hvor:**"."""

from __future__ import annotations

from tests.parse.conftest import item, outline, parse


def test_a_form_of_dagsordenspunkt_blocks() -> None:
    m = parse(
        "Referat – Klyngestyregruppen, Klynge Hjørring\nDato:\t23. januar 2025\n\n"
        "Dagsordenspunkt: 1\tEmne: Godkendelse af dagsorden\n"
        "Drøftelse:\nIngen bemærkninger.\nBeslutning:\nDagsordenen blev godkendt.\n"
        "Opfølgning (hvem, hvornår):\nSekretariatet lægger referatet på hjemmesiden.\n\n"
        "Dagsordenspunkt: 2\tEmne: Læsø – lægedækning (orientering)\n"
        "Drøftelse:\nDer blev orienteret om lægedækningen.\nBeslutning:\n"
        "Opfølgning (hvem, hvornår):\nTages op igen i maj.\n"
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Læsø – lægedækning (orientering)")]
    assert item(m, "1").decision == "Dagsordenen blev godkendt."
    assert item(m, "2").decision is None


def test_ad_dagsordenens_punkt_and_slash_numbers_with_aftale() -> None:
    ad = parse(
        "Referat af møde i klyngeledergruppen, Vejleklyngen\nDato: 12. november 2024\n\n"
        "Ad dagsordenens punkt 1: Velkomst og godkendelse af dagsorden\nDagsordenen blev godkendt.\n"
        "Ad dagsordenens punkt 2: Eventuelt\nIntet.\n"
    )
    assert outline(ad) == [("1", "Velkomst og godkendelse af dagsorden"), ("2", "Eventuelt")]
    slash = parse(
        "Referat – Den administrative styregruppe, Klynge Kolding\nDato: 6. februar 2025\n\n"
        "1/ Godkendelse af dagsorden\nAftale: Dagsordenen blev godkendt.\n\n"
        "2/ Tryghedsopkald efter udskrivelse\nMedicinsk afdeling har ringet til borgere over 75 år.\n"
        "Aftale: Tryghedsopkaldene gøres permanente fra 1. marts 2025.\n"
    )
    assert outline(slash) == [("1", "Godkendelse af dagsorden"), ("2", "Tryghedsopkald efter udskrivelse")]
    assert item(slash, "2").decision == "Tryghedsopkaldene gøres permanente fra 1. marts 2025."


def test_a_contents_list_repeating_the_items_labels_and_parenthesised_numbers() -> None:
    contents = parse(
        "Referat – Klyngestyregruppen i Hillerødklyngen\nDato\tTirsdag 29.10.2024\n\n"
        "Dagsorden\n1. Pkt. 01 Godkendelse af dagsorden\n2. Pkt. 02 Eventuelt\n"
        "Pkt. 01 Godkendelse af dagsorden\nBeslutning\tDagsordenen blev godkendt.\n"
        "Pkt. 02 Eventuelt\nIntet.\n"
    )
    assert outline(contents) == [("1", "Godkendelse af dagsorden"), ("2", "Eventuelt")]
    markdown = parse(
        "Referat fra klyngestyregruppen, Klynge Holbæk\n=============================\n\n"
        "**Hvornår:** tirsdag 10.12.2024 kl. 13–15\n**Hvor:** Holbæk Sygehus, mødelokale 2\n\n"
        "(1) Godkendelse af dagsorden og referat\n---------------------------------------\n"
        "**Beslutning:** Godkendt.\n\n(2) Eventuelt\n-------------\nIntet.\n"
    )
    assert outline(markdown) == [("1", "Godkendelse af dagsorden og referat"), ("2", "Eventuelt")]
    assert markdown.place == "Holbæk Sygehus, mødelokale 2"
