"""Meeting date, cluster, body, place and title from realistic front matter."""

from __future__ import annotations

from rag.parse import parse_minutes
from rag.parse.cluster import detect_cluster
from rag.settings import ParseSettings
from tests.parse.conftest import parse

SETTINGS = ParseSettings()


def test_two_digit_year_in_title_beats_other_dates() -> None:
    m = parse(
        """
        Referat fra Klyngestyregruppemøde 22.06.17 på Regionshospitalet Randers.

        AD. 1: Nyt fra hospitalet:
        Solveig Gram tiltræder 01.08.17. På møde i klyngestyregruppen 23.03.17 blev det drøftet.

        AD. 2: Næste møde:
        Torsdag 9. november
        """
    )
    assert m.date == "2017-06-22"
    assert m.place == "Regionshospitalet Randers"
    assert m.body == "Klyngestyregruppen"
    assert m.title == "Referat fra Klyngestyregruppemøde 22.06.17 på Regionshospitalet Randers."


def test_date_without_year_takes_year_from_header_and_weekday() -> None:
    m = parse(
        """
        Referat Styregruppe Klynge Syd
        Emne: Møde 1, 2022 Styregruppe Klynge Syd
        Tid og sted: Mandag den 10.januar kl. 14.00 til kl.16.30

        1. Velkomst
        Intet.
        """
    )
    assert m.date == "2022-01-10"
    assert any("inferred" in w for w in m.warnings)


def test_weekday_picks_the_year_when_header_has_none() -> None:
    # 9 November was a Thursday in 2017 (not in 2016 or 2018); the text mentions 2016-2018.
    m = parse(
        """
        Referat fra klyngestyregruppens møde
        Tidspunkt: Torsdag den 9. november kl. 13-15

        1. Status på sundhedsaftalen
        Sundhedsaftalen 2016-2018 forlænges. Der er mødeplan for 2018.
        Beslutning: Orienteringen blev taget til efterretning i 2017.
        """
    )
    assert m.date == "2017-11-09"


def test_document_date_in_letterhead_loses_to_meeting_time() -> None:
    m = parse(
        """
        Dagsorden: Klyngestyregruppemøde

        Tidspunkt: Fredag den 21. juni 2019 kl. 8.30-12.00

        Dato: 28. juni 2019

        Anja Skaarup / 2381 9057
        anja.skaarup@midt.rm.dk

        1. Velkomst og godkendelse af dagsordenen
        Referat
        Godkendt. Næste møde er den 22. november 2019.
        """
    )
    assert m.date == "2019-06-21"
    assert "Dato: 28. juni 2019" in m.header.text


def test_only_document_date_is_used_with_a_warning() -> None:
    m = parse(
        """
         kommune

        Afbud: Mette Frøjk, Ledende oversygeplejerske, HEV

        1. Godkendelse af dagsorden

        Beslutning: Dagsordenen blev godkendt.

        Dato: 12. juni 2020

        Gunna Estrid Andersen

        Mail: guande@rm.dk

        Mobil: +45 2155 5628

        2. Ledsageraftalen

        Beslutning: Sundhedsstyregruppen drøftede aftalen 7. maj 2020, punktet tages op igen.
        """
    )
    assert m.date == "2020-06-12"
    assert any("document date" in w for w in m.warnings)
    assert "Gunna Estrid Andersen" not in m.items[0].text
    assert m.title is None
    assert any("beginning" in w for w in m.warnings)


def test_dates_of_other_meetings_do_not_win() -> None:
    m = parse(
        """
        Referat
        til
        mødet i Klyngestyregruppemøde RRA
        den 27. januar 2023 kl. 12:00
        i Regionshospitalet Randers, mødelokale 1, indgang F

        1. Opfølgning på politisk klyngemøde 12. december 2022
        Det første møde i den politiske klynge blev afholdt 12. december 2022.
        Næste møde i klyngestyregruppen er 29. marts 2023.
        """
    )
    assert m.date == "2023-01-27"
    assert m.cluster == "Randersklyngen"  # from the abbreviation RRA (and the hospital)
    assert m.place == "Regionshospitalet Randers, mødelokale 1, indgang F"
    assert m.body == "Klyngestyregruppen"


def test_modedato_field_and_iso_date() -> None:
    m = parse(
        """
        Klyngestyregruppen Horsensklyngen
        Mødedato: 2021-05-12
        Mødested: Regionshospitalet Horsens

        1. Godkendelse af dagsorden
        Beslutning: Godkendt. Deadline for høringssvar er 1. juni 2021.
        """
    )
    assert m.date == "2021-05-12"
    assert m.place == "Regionshospitalet Horsens"
    assert m.cluster == "Horsensklyngen"


def test_cluster_alias_rra_and_hyphenated_names() -> None:
    regions = {"title": "Referat til mødet i Klyngestyregruppemøde RRA", "header": "", "body": ""}
    assert (
        detect_cluster(regions, SETTINGS.cluster_aliases, SETTINGS.cluster_places).cluster == "Randersklyngen"
    )
    regions = {"title": "", "header": "", "body": "På mødet blev følgende udpeget for Randers-klyngen."}
    assert (
        detect_cluster(regions, SETTINGS.cluster_aliases, SETTINGS.cluster_places).cluster == "Randersklyngen"
    )


def test_cluster_mentioned_in_passing_does_not_win() -> None:
    m = parse(
        """
        Referat fra møde i Fokusgruppe Sundhed for voksne, Vestklyngen

        1. Opsporing af alkoholmisbrug
        Fokusgruppen inviterer repræsentanter fra Randersklyngen og Horsensklyngen.
        I Vestklyngen er samarbejdsaftalen implementeret, og Herning Kommune og Holstebro Kommune deltager.
        """
    )
    assert m.cluster == "Vestklyngen"
    assert m.body == "Fokusgruppe Sundhed for voksne"


def test_no_cluster_evidence_gives_none_and_warning() -> None:
    m = parse(
        """
        Referat fra styregruppemøde 3. februar 2022

        1. Godkendelse af dagsorden
        Beslutning: Godkendt.
        """
    )
    assert m.cluster is None
    assert any("no cluster evidence" in w for w in m.warnings)


def test_custom_cluster_settings_are_used() -> None:
    settings = ParseSettings(cluster_aliases={"Klynge Nord": ["Nordklyngen", "KN"]}, cluster_places={})
    m = parse_minutes("Referat fra Nordklyngen 3. maj 2022\n\n1. Godkendelse\nGodkendt.\n", "n.txt", settings)
    assert m.cluster == "Klynge Nord"


def test_body_from_emne_field_and_online_place() -> None:
    m = parse(
        """
        Emne: Møde 3, 2021 Styregruppe Klynge Syd
        Tid og sted: Torsdag den 2. september 2021 kl. 9-11
        Microsoft Teams

        1. Godkendelse af dagsorden
        Det indstilles at dagsordenen godkendes.
        """
    )
    assert m.body == "Styregruppe Klynge Syd"
    assert m.place == "Online"
    assert m.date == "2021-09-02"


def test_id_and_file_from_source_path() -> None:
    m = parse_minutes("Referat\n\n1. Godkendelse\nGodkendt.\n", r"C:\\data\\Referat KSG 22.06.17.txt")
    assert m.file == "Referat KSG 22.06.17.txt"
    assert m.id == "referat-ksg-22-06-17"
    m = parse_minutes("Referat\n\n1. Godkendelse\nGodkendt.\n", "/x/y/Møde_Åbent.pdf")
    assert (m.file, m.id) == ("Møde_Åbent.pdf", "moede-aabent")


def test_date_from_file_name_only_as_last_resort() -> None:
    text = "Referat fra styregruppen\n\n1. Godkendelse af dagsorden\nGodkendt.\n"
    m = parse_minutes(text, "Referat KSG 22.06.17.pdf")
    assert m.date == "2017-06-22"
    assert any("file name" in w for w in m.warnings)
    assert parse_minutes(text, "referat.pdf").date is None


def test_body_date_only_with_meeting_context() -> None:
    with_context = parse(
        """
        Referat fra styregruppen

        1. Godkendelse af dagsorden
        Mødet blev afholdt den 3. maj 2022 på rådhuset.

        2. Temadag
        Temadag torsdag den 3. marts 2022 kl. 9-15.
        """
    )
    assert with_context.date == "2022-05-03"
    assert any("body text" in w for w in with_context.warnings)
    without = parse("Referat fra styregruppen\n\n1. Temadag\nTemadag torsdag den 3. marts 2022 kl. 9-15.\n")
    assert without.date is None
