"""Header unit: front matter and every attendance list, wherever extraction put it."""

from __future__ import annotations

import re

from tests.parse.conftest import item, outline, parse

DISPLACED = """
 Referat Klyngestyregruppe Syd

 Dagsorden:

1. Velkomst og godkendelse af dagsorden ved Søren Aalund

Det indstilles:

At dagsorden godkendes

Dagsorden blev godkendt.



2. Status fra arbejdet i driftsgruppen ved Lotte Holt Worup

Det indstilles:

At orienteringen tages til efterretning

Lotte Holt Worup gav en kort orientering og nævnte følgende:

Emne:

Møde 1, 2022 Styregruppe Klynge Syd

Deltagere:

Direktør Eva Sejersdal Knudsen, Region Nordjylland

Direktør Søren Aalund, Mariagerfjord Kommune

Konsulent Camilla Donslund, PLO – afbud

Mødedato:

Tid og sted:

Mandag den 10.januar kl. 14.00 til kl.16.30

Online – link er i mødeindkaldelsen

 • Der var enighed om, at der ikke skal arbejdes med IPS som ramme, men der nedsættes

en arbejdsgruppe, som skal beskrive, hvad der konkret skal arbejdes videre med fælles

og på tværs.

Styregruppen takker for orientering og tog den til efterretning.



3. Evt.

Intet til dette punkt
"""


def test_metadata_block_displaced_into_an_item_moves_to_header() -> None:
    m = parse(DISPLACED)
    assert [n for n, _ in outline(m)] == ["1", "2", "3"]
    two = item(m, "2").text
    assert "Deltagere" not in two and "Mandag den 10.januar" not in two
    assert re.search(r"nævnte følgende:\s*• Der var enighed", two)
    assert "Møde 1, 2022 Styregruppe Klynge Syd" in m.header.text
    assert "Direktør Søren Aalund, Mariagerfjord Kommune" in m.participants
    assert m.date == "2022-01-10"  # year from "Møde 1, 2022", consistent with Mandag
    assert m.place == "Online"
    assert m.cluster == "Klynge Syd"


def test_attendance_list_after_last_item_moves_to_header() -> None:
    m = parse(
        """
        Referat fra Klyngestyregruppemøde 22.06.17 på Regionshospitalet Randers.

        AD. 1: Evt.:
        Intet

        AD. 2: Næste møde:
        Torsdag 9. november




        I mødet deltog:
         Randers Kommune:
        Sundhedschef Lene Jensen, lene.jensen@randers.dk
        Socialchef Carsten Wulff Hansen, carsten.wulff.hansen@randers.dk

        Favrskov Kommune:
        Direktør Kate Bøgh katb@favrskov.dk

        Fraværende:
        Norddjurs Kommune:
        Socialchef Hanne Nielsen, hann@norddjurs.dk
        """
    )
    assert item(m, "2").text == "Torsdag 9. november"
    assert "I mødet deltog" in m.header.text and "Fraværende" in m.header.text
    assert "Sundhedschef Lene Jensen" in m.participants
    assert "Socialchef Hanne Nielsen (afbud)" in m.participants
    assert m.date == "2017-06-22"


def test_item_titled_modedeltagere_stays_an_item_and_feeds_participants() -> None:
    m = parse(
        """
        Referat
        til
        mødet i Klyngestyregruppemøde RRA
        den 27. januar 2023 kl. 12:00
        i Regionshospitalet Randers, mødelokale 1, indgang F

        1. Mødedeltagere

        Sagsfremstilling

        Randers Kommune

        Christina Breddam, sundhedschef

        Lene Jensen, omsorgschef (afbud)

        Mette Bærentsen er mødeleder.

        Beslutning

        Velkommen til nye deltagere.

        2. Evt.

        Beslutning

        Intet.
        """
    )
    assert outline(m)[0] == ("1", "Mødedeltagere")
    assert "Christina Breddam, sundhedschef" in m.participants
    assert "Randers Kommune" not in m.participants  # an organisation heading, not a person
    assert "Christina Breddam" in m.header.text


def test_front_matter_fields_and_roles() -> None:
    m = parse(
        """
         Dagsorden: Klyngestyregruppemøde

        Tidspunkt: Fredag den 21. juni 2019 kl. 8.30-12.00

        Sted: Mødelokale 22, højhuset 3. etage, RH Viborg

        Mødeledere: Lars Harder og Thomas Balle Kristensen

        Referenter: Mette Kvist og Anja Skaarup

        Mødedeltagere: Hospitalsenhed Midt
        Hospitalsdirektør Thomas Balle Kristensen (medformand)
        Lægefaglig direktør Claus Brøchner

        Skive Kommune
        Sundhedschef Trine Brøcker

         Gæster: Annelli Sandbæk, Steno Diabetes Center Aarhus

        Afbud: Direktør Mette Andreassen

        DAGSORDEN

        1. Velkomst (kl. 8.30-8.35) v/formandskabet
        Referat
        Dagsordenen blev godkendt.
        """
    )
    assert m.place == "Mødelokale 22, højhuset 3. etage, RH Viborg"
    assert m.date == "2019-06-21"
    assert "Lars Harder (mødeleder)" in m.participants
    assert "Anja Skaarup (referent)" in m.participants
    assert "Sundhedschef Trine Brøcker" in m.participants
    assert "Skive Kommune" not in m.participants
    assert "Direktør Mette Andreassen (afbud)" in m.participants
    assert not any("DAGSORDEN" in p for p in m.participants)


def test_working_group_list_inside_an_item_stays_in_the_item() -> None:
    m = parse(
        """
        Referat fra Klyngestyregruppemøde 10. marts 2021, Randersklyngen

        1. Nedsættelse af arbejdsgruppe om demens
        Beslutning: Arbejdsgruppen blev nedsat.
        Deltagere:
        Jens Hansen, Randers Kommune
        Bo Jensen, Favrskov Kommune
        Anne Holm, Regionshospitalet Randers

        2. Eventuelt
        Intet.
        """
    )
    assert "Bo Jensen, Favrskov Kommune" in item(m, "1").text
    assert "Bo Jensen, Favrskov Kommune" not in m.header.text


def test_next_meeting_fields_inside_an_item_stay_there() -> None:
    m = parse(
        """
        Referat fra Klyngestyregruppemøde 10. marts 2021, Randersklyngen

        1. Godkendelse af dagsorden
        Godkendt.

        2. Næste møde
        Tidspunkt: Torsdag den 3. juni 2021 kl. 13-15
        Sted: Regionshospitalet Randers, mødelokale 2

        3. Eventuelt
        Intet.
        """
    )
    assert m.date == "2021-03-10"
    assert "Tidspunkt: Torsdag den 3. juni 2021" in item(m, "2").text
    assert m.place is None
