"""Minimal reproductions of parser failures found on a fifth round of unseen layouts
(tests/parse/unseen5/): items numbered 1.1, 1.2, 2.1 under group headings, lettered items whose
sections are table label cells ("Beslutning<TAB>…"), "§ 3" items, and decisions written as an
unlabelled closing paragraph."""

from __future__ import annotations

from tests.parse.conftest import item, outline, parse


def test_items_numbered_under_group_headings() -> None:  # a: only "2. Drøftelsessager" … were items
    m = parse(
        """
        Referat af møde i Klyngestyregruppen, Randersklyngen
        Dato: 12/9-2024

        1. Beslutningssager
        1.1 Godkendelse af dagsorden
        Beslutning: Godkendt.
        1.2 Puljen 2024
        Sagsfremstilling: Der er 1.200.000 kr. i puljen.
        Beslutning: Puljen blev fordelt.
        2. Orienteringssager
        2.1 Nyt fra almen praksis
        Beslutning: Taget til efterretning.
        2.2 Eventuelt
        Beslutning: Intet.
        """
    )
    assert outline(m) == [("1.1", "Godkendelse af dagsorden"), ("1.2", "Puljen 2024"),
                          ("2.1", "Nyt fra almen praksis"), ("2.2", "Eventuelt")]
    assert item(m, "1.2").decision == "Puljen blev fordelt."
    assert "Orienteringssager" not in item(m, "1.2").text  # a group heading is no item's text


def test_sub_points_of_one_item_stay_its_text() -> None:
    m = parse(
        """
        Referat, Klyngestyregruppen
        Dato: 12. september 2024

        1. Godkendelse af dagsorden
        Beslutning: Godkendt.

        2. Status på akutområdet
        2.1 Akutteams
        Der er ansat fire sygeplejersker.
        2.2 Akutpladser
        Der er to pladser.
        Beslutning: Taget til efterretning.

        3. Eventuelt
        Beslutning: Intet.
        """
    )
    assert [n for n, _ in outline(m)] == ["1", "2", "3"]
    assert "2.2 Akutpladser" in item(m, "2").text


def test_lettered_items_with_label_cells() -> None:  # b: no items found, date from an item title
    m = parse(
        "Referat – Koordinationsgruppen, Midtklyngen\n"
        "Dato: 2024-10-03\n\n"
        "A.\tGodkendelse af dagsorden\n"
        "Indstilling\tDet indstilles, at dagsordenen godkendes.\n"
        "Beslutning\tGodkendt.\n\n"
        "B.\tOpfølgning på referat fra mødet 2024-06-20\n"
        "Sag\tTo opgaver udestår.\n"
        "Beslutning\tOpfølgningen blev taget til efterretning.\n\n"
        "C.\tEventuelt\n"
        "Beslutning\tIntet.\n"
    )
    assert outline(m) == [("A", "Godkendelse af dagsorden"), ("B", "Opfølgning på referat fra mødet 2024-06-20"),
                          ("C", "Eventuelt")]
    assert item(m, "B").decision == "Opfølgningen blev taget til efterretning."
    assert m.date == "2024-10-03"


def test_lettered_sub_points_inside_a_numbered_agenda_are_no_items() -> None:
    m = parse(
        """
        Referat, Klyngestyregruppen
        Dato: 12. september 2024

        1. Nyt fra hospitalet
        A. Flere indlæggelser
        Der har været flere indlæggelser.
        B. Temamøder
        Der planlægges et temamøde.

        2. Eventuelt
        Beslutning: Intet.
        """
    )
    assert [n for n, _ in outline(m)] == ["1", "2"]


def test_paragraph_sign_items() -> None:  # d: "§ 1  Title" underlined with dashes, no items found
    m = parse(
        """
        KLYNGE SYD · Sundhedsklyngebestyrelsen
        REFERAT
        Mødedato: Tirsdag den 21. januar 2025

        § 1  Godkendelse af dagsorden
        -----------------------------
        Referat: Dagsordenen blev godkendt.

        § 2  Akutpladser i Farsø
        ------------------------
        Sagsfremstilling:
        Pladserne drives efter § 79 i serviceloven.
        Referat: Det blev besluttet at videreføre pladserne.
        """
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Akutpladser i Farsø")]
    assert item(m, "2").decision == "Det blev besluttet at videreføre pladserne."


def test_an_unlabelled_closing_paragraph_reports_the_decision() -> None:  # e: item 6 had none
    m = parse(
        """
        Referat, Fokusgruppe for psykiatri og misbrug, Horsensklyngen
        Dato: 4. februar 2025

        Dagsordenspunkt 1: Recovery-skole i Hedensted
        Baggrund
        Hedensted Kommune åbnede i januar 2025 en recovery-skole.
        Sundhedsstyregruppen godkendte i 2023 en fælles ramme for skolerne.
        47 borgere er tilmeldt forårets kurser.
        Fokusgruppen tog orienteringen til efterretning og opfordrede kommunerne til at henvise.

        Dagsordenspunkt 2: Eventuelt
        Baggrund
        Sundhedsstyregruppen godkendte i 2023 en fælles ramme.
        Ingen bemærkninger.
        """
    )
    assert item(m, "1").decision == ("Fokusgruppen tog orienteringen til efterretning og opfordrede kommunerne "
                                     "til at henvise.")
    assert item(m, "2").decision is None  # a background sentence followed by more text is no outcome
