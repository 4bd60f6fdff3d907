"""Layouts unlike the five samples, to keep the parser general.

Modelled on what other municipalities' and regions' systems export: eDoc /
web meeting portals ("Punkt 4: Title", "Beslutning i Klyngestyregruppen"),
Word documents with "Dagsordenspunkt N:", Markdown-ish HTML-to-text exports,
Prepare/FirstAgenda style "N. Title" with case numbers, and a table agenda.
"""

from __future__ import annotations

from rag.parse import format_outline, meeting_to_dict
from tests.parse.conftest import item, outline, parse


def test_edoc_web_export() -> None:
    m = parse(
        """
        Klyngestyregruppen for Horsensklyngen
        Referat
        Mødedato: 12-05-2021
        Mødetidspunkt: 13:00 - 15:00
        Mødested: Regionshospitalet Horsens, lokale 3
        Deltagere: Anne Hansen, Horsens Kommune; Bo Jensen, Regionshospitalet Horsens
        Afbud: Carl Larsen, Odder Kommune

        Indholdsfortegnelse
        Punkt 1: Godkendelse af dagsorden
        Punkt 2: Status på akutfunktion
        Punkt 3: Eventuelt

        Punkt 1: Godkendelse af dagsorden
        Sagsnr.: 21/12345
        Sagsfremstilling
        Dagsordenen fremlægges til godkendelse.
        Indstilling
        Det indstilles, at dagsordenen godkendes.
        Beslutning i Klyngestyregruppen
        Godkendt.

        Punkt 2: Status på akutfunktion
        Sagsnr.: 21/12346
        Sagsfremstilling
        Akutfunktionen har haft 312 besøg i første kvartal. Følgende er drøftet:
        1. Bemanding i weekenden
        2. Samarbejde med vagtlægen
        3. Kompetenceudvikling
        Indstilling
        Det indstilles, at status tages til efterretning.
        Beslutning i Klyngestyregruppen
        Status taget til efterretning. Næste status gives på mødet 8. september 2021.

        Punkt 3: Eventuelt
        Beslutning i Klyngestyregruppen
        Intet.
        """
    )
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Status på akutfunktion"),
        ("3", "Eventuelt"),
    ]
    assert (m.cluster, m.date, m.place) == (
        "Horsensklyngen",
        "2021-05-12",
        "Regionshospitalet Horsens, lokale 3",
    )
    two = item(m, "2")
    assert two.decision == "Status taget til efterretning. Næste status gives på mødet 8. september 2021."
    assert "Sagsnr" not in two.text and "3. Kompetenceudvikling" in two.text
    assert [s.name for s in item(m, "1").sections] == ["sagsfremstilling", "indstilling", "beslutning"]
    assert "Bo Jensen, Regionshospitalet Horsens" in m.participants


def test_dagsordenspunkt_style() -> None:
    m = parse(
        """
        Referat af møde i Klyngestyregruppen, Midtklyngen
        Dato: Torsdag den 5. maj 2022 kl. 14.00-16.00
        Sted: Hospitalsenhed Midt, Viborg

        Dagsordenspunkt 1: Godkendelse af referat
        Konklusion: Referatet blev godkendt uden bemærkninger.

        Dagsordenspunkt 2: Sundhedshuse i Midtklyngen
        Resumé:
        Silkeborg Kommune orienterede om planerne for et sundhedshus.
        Konklusion:
        Klyngestyregruppen bakker op om planerne og følger arbejdet.

        Dagsordenspunkt 3: Eventuelt
        Referat: Intet.
        """
    )
    assert outline(m) == [
        ("1", "Godkendelse af referat"),
        ("2", "Sundhedshuse i Midtklyngen"),
        ("3", "Eventuelt"),
    ]
    assert (m.cluster, m.date, m.body) == ("Midtklyngen", "2022-05-05", "Klyngestyregruppen")
    assert item(m, "2").decision == "Klyngestyregruppen bakker op om planerne og følger arbejdet."


def test_markdown_export() -> None:
    m = parse(
        """
        # Referat – Temagruppe Børn og Unge, Aarhusklyngen

        **Dato:** 3. marts 2022, kl. 9.00-11.00
        **Sted:** Aarhus Rådhus, lokale 1

        ## 1. Velkommen og godkendelse af dagsorden
        Dagsordenen blev godkendt.

        ## 2. Mental sundhed blandt unge
        ### Baggrund
        Aarhus Kommune har udarbejdet en analyse.
        ### Beslutning
        Temagruppen arbejder videre med analysen.

        ## 3. Næste møde
        Næste møde er 2. juni 2022.
        """
    )
    assert outline(m) == [
        ("1", "Velkommen og godkendelse af dagsorden"),
        ("2", "Mental sundhed blandt unge"),
        ("3", "Næste møde"),
    ]
    assert (m.cluster, m.date, m.place) == ("Aarhusklyngen", "2022-03-03", "Aarhus Rådhus, lokale 1")
    assert m.title == "Referat – Temagruppe Børn og Unge, Aarhusklyngen"
    assert m.body == "Temagruppe Børn og Unge"
    assert item(m, "2").decision == "Temagruppen arbejder videre med analysen."


def test_prepare_style_with_case_numbers_and_parenthesis_numbers() -> None:
    m = parse(
        """
        Sundhedsklynge Vest – Klyngestyregruppen
        Referat
        Tid: Onsdag den 1. marts 2023, kl. 13.00-15.30
        Sted: Virtuelt via Teams

        Indholdsfortegnelse
        1) Godkendelse af dagsorden ........ 2
        2) Samarbejde om udskrivelser ........ 3
        3) Eventuelt ........ 4

        1) Godkendelse af dagsorden
        Sagsid: 23/4567
        Beslutning
        Godkendt.

        2) Samarbejde om udskrivelser
        Sagsid: 23/4568
        Resumé
        Hospitalsenheden Vest og kommunerne har gennemgået udskrivelser pr. ugedag.
        Beslutning
        Der gennemføres tværsektorielle audits efter sommerferien.

        3) Eventuelt
        Beslutning
        Intet.
        """
    )
    assert [n for n, _ in outline(m)] == ["1", "2", "3"]
    assert item(m, "2").title == "Samarbejde om udskrivelser"
    assert item(m, "2").decision == "Der gennemføres tværsektorielle audits efter sommerferien."
    assert (m.cluster, m.date, m.place) == ("Vestklyngen", "2023-03-01", "Online")


def test_table_agenda_with_decision_column() -> None:
    m = parse(
        "Referat fra møde i klyngestyregruppen Vest\n"
        "Tidspunkt: 14. september 2021 kl. 9-12\n"
        "Sted: Regionshospitalet Gødstrup\n\n"
        "Nr.\tPunkt\tBeslutning\n"
        "1\tGodkendelse af dagsorden\tGodkendt\n"
        "2\tSamarbejdsaftale om IV-behandling\tAftalen blev godkendt med de faldne bemærkninger.\n"
        "3\tEventuelt\tIntet\n"
    )
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Samarbejdsaftale om IV-behandling"),
        ("3", "Eventuelt"),
    ]
    assert item(m, "2").decision == "Aftalen blev godkendt med de faldne bemærkninger."
    assert m.cluster == "Vestklyngen"


def test_outline_and_dict() -> None:
    m = parse(
        """
        Referat Klyngestyregruppe Syd
        Tidspunkt: 3. maj 2022

        1. Godkendelse af dagsorden
        Beslutning: Godkendt.

        2. Eventuelt
        Intet.
        """
    )
    text = format_outline(m)
    assert text.splitlines() == [
        "fixture.txt · Klynge Syd · Klyngestyregruppe Syd · 2022-05-03",
        "  1. Godkendelse af dagsorden [beslutning]",
        "  2. Eventuelt",
    ]
    d = meeting_to_dict(m)
    assert d["items"][0]["sections"] == {"beslutning": "Godkendt."}
    assert d["meeting"]["id"] == "fixture"


def test_word_auto_numbering_with_tabs_and_sub_list() -> None:
    m = parse(
        "Referat af møde i Klyngestyregruppen for Aarhusklyngen\n"
        "Mødedato: 15. juni 2022 kl. 13.00-15.00\n"
        "Mødested: Aarhus Universitetshospital\n\n"
        "1.\tGodkendelse af dagsorden\nDagsordenen blev godkendt.\n\n"
        "2.\tFælles akutmodtagelse\nSagsfremstilling:\nDer er tre spor i arbejdet:\n"
        "1.\tVisitation\n2.\tKompetencer\n3.\tIT\nBeslutning:\nArbejdet fortsætter.\n\n"
        "3.\tEventuelt\nIntet.\n"
    )
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Fælles akutmodtagelse"),
        ("3", "Eventuelt"),
    ]
    assert item(m, "2").decision == "Arbejdet fortsætter."
    assert (m.cluster, m.date) == ("Aarhusklyngen", "2022-06-15")


def test_number_on_its_own_line_above_the_title() -> None:
    m = parse(
        """
        Referat
        Klyngestyregruppen Midtklyngen
        Dato: 1. december 2021

        1.
        Godkendelse af dagsorden
        Godkendt.

        2.
        Status på Tele-KOL
        Der er 40 borgere i forløb. Følgende er aftalt:
        1. Evaluering
        2. Opfølgning
        Beslutning: Taget til efterretning.

        3.
        Eventuelt
        Intet.
        """
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Status på Tele-KOL"), ("3", "Eventuelt")]
    assert item(m, "2").text.startswith("Der er 40 borgere")
    assert m.date == "2021-12-01"


def test_number_and_title_separated_by_spaces_only() -> None:
    m = parse(
        """
        Referat – Klyngestyregruppen, Vestklyngen, 4. april 2022

        1 Godkendelse af dagsorden
        Beslutning: Godkendt.

        2 Status på akutområdet
        Der var 5 kommuner til stede.
        Beslutning: Taget til efterretning.

        3 Eventuelt
        Intet.
        """
    )
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Status på akutområdet"),
        ("3", "Eventuelt"),
    ]
    assert m.date == "2022-04-04"


def test_dash_numbering_and_rule_lines() -> None:
    m = parse(
        """
        Referat – Klyngestyregruppen Horsensklyngen – 8. november 2022

        1 - Godkendelse af dagsorden
        Godkendt.
        ________________________________________

        2 - Status på sundhedshuset i Odder
        Byggeriet er i gang; 3 - 4 måneder forsinket.
        ________________________________________

        3 - Eventuelt
        Intet.
        """
    )
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Status på sundhedshuset i Odder"),
        ("3", "Eventuelt"),
    ]
    assert "____" not in item(m, "1").text
    assert (m.cluster, m.date) == ("Horsensklyngen", "2022-11-08")


def test_table_of_contents_with_page_numbers() -> None:
    m = parse(
        """
        Klyngestyregruppen Midtklyngen
        Referat
        Mødedato: 12.05.2021
        Mødested: Regionshospitalet Viborg

        Indholdsfortegnelse
        1. Godkendelse af dagsorden 2
        2. Orientering om fælles akutmodtagelse 2
        3. Eventuelt 4

        1. Godkendelse af dagsorden
        Beslutning
        Godkendt.

        2. Orientering om fælles akutmodtagelse
        Sagsfremstilling
        Akutmodtagelsen åbner i efteråret.
        Beslutning
        Taget til efterretning.

        3. Eventuelt
        Beslutning
        Intet.
        """
    )
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Orientering om fælles akutmodtagelse"),
        ("3", "Eventuelt"),
    ]
    assert (m.cluster, m.date) == ("Midtklyngen", "2021-05-12")
