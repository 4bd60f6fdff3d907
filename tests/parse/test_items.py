"""Agenda item detection: one realistic snippet per numbering quirk."""

from __future__ import annotations

from tests.parse.conftest import item, outline, parse


def test_agenda_list_first_then_ad_headings_use_agenda_titles() -> None:
    m = parse(
        """
        Referat fra Klyngestyregruppemøde 14.09.18 på Regionshospitalet Randers.

        Dagsorden:

        1. Godkendelse af referat ved Marianne Jensen

        2. Status på arbejdet med den nye sundhedsaftale ved direktør Kate Bøgh og Lene
            Jensen
            Bilag:
        • Notat om sundhedsaftalen

        3. Evt.

        AD. 1: Godkendelse af referat:
        Beslutning:
        • Referatet blev godkendt

        AD. 2 Status på sundhedsaftalen:
        Indstilling:
        • At klyngestyregruppen tager orienteringen til efterretning
        Sagsfremstilling:
        Sundhedsaftalen er i høring.
        Drøftelse:
        Kommunerne ønsker en fælles høringssvar.

        AD. 3: Evt.:
        Intet
        """
    )
    assert outline(m) == [
        ("1", "Godkendelse af referat ved Marianne Jensen"),
        ("2", "Status på arbejdet med den nye sundhedsaftale ved direktør Kate Bøgh og Lene Jensen"),
        ("3", "Evt."),
    ]
    assert item(m, "2").text.startswith("Indstilling:")
    assert "Dagsorden" in m.header.text and "Notat om sundhedsaftalen" in m.header.text


def test_time_slot_and_presenter_titles_wrapped_over_lines() -> None:
    m = parse(
        """
        Dagsorden: Klyngestyregruppemøde

        Tidspunkt: Torsdag den 12. september 2019 kl. 8.30-12.00

        1. Velkomst og godkendelse af dagsordenen (kl. 8.30-8.35) v/formandskabet
        Indstilling:
        At klyngestyregruppen godkender dagsordenen.
        Referat
        Dagsordenen blev godkendt.

        2. Samarbejde med Steno Diabetes Center Aarhus om fælles projekter og
        tværsektorielle indsatser på diabetesområdet (kl. 8.35-9.05)
        v/Annelli Sandbæk
        Indstilling:
        At klyngestyregruppen drøfter samarbejdet.
        Referat
        Der var opbakning til samarbejdet.

        3. Tværsektoriel arbejdsgruppe vedr. fælles visitation (kl. 9.05-9.35) v/Anders,
        Trine og Trine Agerskov
        Indstilling:
        At klyngestyregruppen drøfter notatet.

        PAUSE (kl. 10.20-10.30)

        4. Eventuelt (kl. 11.50-12.00) v/formandskabet

        Referat
        Intet.
        """
    )
    assert outline(m) == [
        ("1", "Velkomst og godkendelse af dagsordenen (kl. 8.30-8.35) v/formandskabet"),
        (
            "2",
            "Samarbejde med Steno Diabetes Center Aarhus om fælles projekter og tværsektorielle "
            "indsatser på diabetesområdet (kl. 8.35-9.05) v/Annelli Sandbæk",
        ),
        (
            "3",
            "Tværsektoriel arbejdsgruppe vedr. fælles visitation (kl. 9.05-9.35) "
            "v/Anders, Trine og Trine Agerskov",
        ),
        ("4", "Eventuelt (kl. 11.50-12.00) v/formandskabet"),
    ]
    assert "PAUSE" not in item(m, "3").text  # a break in the schedule is neither an item nor item text


def test_ved_presenter_and_double_spacing() -> None:
    m = parse(
        """
         Referat Klyngestyregruppe Nord

        1. Velkomst og godkendelse af dagsorden ved Søren Aalund

        Velkommen til Andreas K. Toft

        Det indstilles:

        At dagsorden godkendes

        Dagsorden blev godkendt.



        2. Orientering om hvordan borgerne har været inddraget i processen med sundhedshus i

        Hobro ved Søren Aalund

        Det indstilles:

        At orienteringen tages til efterretning

        Søren Aalund gav en status, og orienteringen blev taget til efterretning. Der er

        udarbejdet en delrapport, som sendes til styregruppen efter mødet sammen med

        bilagene fra arbejdsgruppen. Regionsråd og kommunalbestyrelse har nikket til, at

        der kan indhentes ekstern rådgivning, og at der arbejdes videre med et bredt

        perspektiv. Der er arbejdet med borgerinddragelse i to spor, og begge spor

        følges op på næste møde i styregruppen, hvor også driftsgruppen deltager.



        3. Evt.

        Intet til dette punkt
        """
    )
    assert outline(m) == [
        ("1", "Velkomst og godkendelse af dagsorden ved Søren Aalund"),
        (
            "2",
            "Orientering om hvordan borgerne har været inddraget i processen med sundhedshus i "
            "Hobro ved Søren Aalund",
        ),
        ("3", "Evt."),
    ]
    assert item(m, "1").text.startswith("Velkommen til Andreas K. Toft")
    # Double spacing is layout: the item's lines are no longer separated by blank lines.
    assert "Der er\nudarbejdet en delrapport" in item(m, "2").text


def test_ad_punkt_headings() -> None:
    m = parse(
        """
        Referat af møde i Klyngestyregruppen for Horsensklyngen 3. maj 2021

        Ad punkt 1. Godkendelse af dagsorden
        Dagsordenen blev godkendt.

        Ad punkt 2. Status på akutfunktionen
        Akutfunktionen har haft travlt. Der er følgende fokusområder:
        1. Bemanding
        2. Kompetencer
        Konklusion: Status blev taget til efterretning.

        Ad punkt 3. Eventuelt
        Intet.
        """
    )
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Status på akutfunktionen"),
        ("3", "Eventuelt"),
    ]
    assert item(m, "2").decision == "Status blev taget til efterretning."


def test_punkt_n_colon_headings() -> None:
    m = parse(
        """
        Referat – Sundhedsklyngens styregruppe, Aarhusklyngen
        Mødedato: 7. april 2022

        Punkt 1: Godkendelse af dagsorden
        Beslutning: Godkendt.

        Punkt 2:
        Opfølgning på temadag om ulighed i sundhed
        Beslutning: Der nedsættes en arbejdsgruppe.

        Punkt 3: Eventuelt
        Beslutning: Intet.
        """
    )
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Opfølgning på temadag om ulighed i sundhed"),
        ("3", "Eventuelt"),
    ]


def test_table_rows_with_tab_separated_cells() -> None:
    m = parse(
        "Referat fra møde i Klyngestyregruppen, Vestklyngen\n"
        "Tidspunkt: 14. september 2021 kl. 9-12\n\n"
        "Pkt.\tEmne\tAnsvarlig\tReferat\n"
        "1\tGodkendelse af dagsorden\tFormand\tGodkendt\n"
        "2\tSamarbejdsaftale om IV-behandling\tHEV\tAftalen blev godkendt.\n"
        "3\tEventuelt\t\tIntet\n"
    )
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Samarbejdsaftale om IV-behandling"),
        ("3", "Eventuelt"),
    ]
    assert item(m, "2").decision == "Aftalen blev godkendt."
    assert "HEV" in item(m, "2").text


def test_numbered_sub_lists_inside_items_are_not_items() -> None:
    m = parse(
        """
        Referat til mødet i Klyngestyregruppen den 27. januar 2023 kl. 12:00

        1. Godkendelse af dagsorden

        Beslutning

        Dagsordenen blev godkendt.

        2. Implementering af videomøder

        Det indstilles,

        at klyngestyregruppen drøfter anbefalingerne.

        Sagsfremstilling

        De områder, hvor Sundhedsstyregruppen beder klyngerne implementere videomøder, er:

          1. Gravidteam møder, hvor praktiserende læge deltager
          2. Rundbordssamtaler
          3. Afsluttende samtaler efter længere forløb
          4. Videokonference mellem hjemmepleje og almen praksis

        Beslutning

        Der laves et overblik over brugen af videomøder.

        3. Skriftlige orienteringer

        Sagsfremstilling

        1. Organisering - oversigt over udvalg og grupper
        Oversigten er vedlagt.

        2. Leveregler for det tværsektorielle samarbejde
        Levereglerne er godkendt i Sundhedsstyregruppen.

        Beslutning

        Orienteringerne blev taget til efterretning.

        4. Evt.

        Beslutning

        Intet.
        """
    )
    assert [n for n, _ in outline(m)] == ["1", "2", "3", "4"]
    assert "4. Videokonference" in item(m, "2").text
    assert "2. Leveregler" in item(m, "3").text


def test_numbered_table_inside_item_does_not_restart_agenda() -> None:
    m = parse(
        """
        Dagsorden: Klyngestyregruppemøde
        Tidspunkt: Fredag den 21. juni 2019 kl. 8.30-12.00

        7. Strategi for HjerteKomMidt (kl. 11.00-11.15) v/Trine og Peter
        Indstilling:
        At klyngestyregruppen drøfter strategien.
        Referat
        Databasen bør betragtes som midlertidig.

        8. Initiativer fra alliancen om den nære psykiatri (kl. 11.15-11.30) v/Lone og Birthe
        Indstilling:
        At klyngestyregruppen tager orienteringerne til efterretning.
        Sagsfremstilling
        Det fremgår af nedenstående tabel, hvordan initiativerne er forankret:
         Initiativ Forankring
        1. Fælles forpligtende forløb og

        handleplan (opstart forår 2019)

        Randers klyngen og Midtklyngen

        2. Den gode overgang mellem
        folkeskole og ungdomsuddannelse

        Afventer

        6. Én borger – én fælles løsning

        Randers Klyngen og Aarhus klyngen

        8. Initiativer for de mest udsatte
        borgere/patienter

        Midtklyngen og Vest klyngen
        Referat
        Orienteringerne blev taget til efterretning.

        9. Forslag til prækonference aktivitet (kl. 11.30-11.40) v/Henrik Bendix
        Indstilling:
        At klyngestyregruppen tager orientering til efterretning.
        Referat
        Punktet blev taget til efterretning.
        """
    )
    assert [n for n, _ in outline(m)] == ["7", "8", "9"]
    assert "6. Én borger" in item(m, "8").text
    assert item(m, "8").decision == "Orienteringerne blev taget til efterretning."


def test_number_without_space_lone_page_number_and_letter_points() -> None:
    m = parse(
        """
        Referat fra Klyngestyregruppemøde 22.06.17

        9. Nyt fra hospitalet
        A. Flere indlæggelser:
        Hospitalet oplyser, at der har været flere indlæggelser.

        B. Faglige temamøder:
        Der planlægges temamøde om sårbehandling.

        11

        C. Kræftrehabilitering:
        Samarbejdet er styrket.

        10.Forslag til emner til kommende klyngestyregruppemøder
        Indstilling:
        At klyngestyregruppen kommer med forslag.

        11.Eventuelt
        Referat
        Intet.
        """
    )
    assert outline(m) == [
        ("9", "Nyt fra hospitalet"),
        ("10", "Forslag til emner til kommende klyngestyregruppemøder"),
        ("11", "Eventuelt"),
    ]
    assert "\n11\n" not in item(m, "9").text and "C. Kræftrehabilitering" in item(m, "9").text


def test_agenda_list_in_same_style_as_body() -> None:
    m = parse(
        """
        Referat
        Klyngestyregruppemøde i Randersklyngen
        Dato: 10. marts 2021

        Dagsorden
        1. Godkendelse af dagsorden
        2. Status på samarbejdsaftaler
        3. Eventuelt

        1. Godkendelse af dagsorden
        Beslutning: Godkendt.

        2. Status på samarbejdsaftaler
        Sagsfremstilling:
        Der er tre aftaler til revision:
        1. Indlæggelse og udskrivning
        2. Demens
        3. Palliation
        Beslutning: Status blev taget til efterretning.

        3. Eventuelt
        Intet.
        """
    )
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Status på samarbejdsaftaler"),
        ("3", "Eventuelt"),
    ]
    assert "3. Palliation" in item(m, "2").text
    assert item(m, "3").text == "Intet."


def test_agenda_list_with_unnumbered_body_headings() -> None:
    m = parse(
        """
        Referat fra Klyngestyregruppemøde 4. oktober 2021
        Dagsorden:
        1. Godkendelse af dagsorden
        2. Opfølgning på akutområdet ved Hanne Hansen
        3. Eventuelt

        Godkendelse af dagsorden
        Dagsordenen blev godkendt uden bemærkninger.
        Der var ingen kommentarer til referatet fra sidste møde.

        Opfølgning på akutområdet
        Hanne Hansen orienterede om akutområdet.
        Beslutning: Klyngestyregruppen tog orienteringen til efterretning.

        Eventuelt
        Intet under dette punkt.
        Mødet sluttede kl. 15.
        """
    )
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Opfølgning på akutområdet ved Hanne Hansen"),
        ("3", "Eventuelt"),
    ]
    assert item(m, "2").decision == "Klyngestyregruppen tog orienteringen til efterretning."


def test_no_numbered_items_keeps_everything_in_header() -> None:
    m = parse(
        """
        Notat om samarbejdet i klyngen
        Der er ingen dagsorden, kun denne tekst om samarbejdet.
        """
    )
    assert m.items == ()
    assert "Notat om samarbejdet" in m.header.text
    assert any("no agenda items" in w for w in m.warnings)


def test_indented_body_text_is_not_part_of_the_title() -> None:
    m = parse(
        """
        Referat af møde i Klyngestyregruppen 3. maj 2022

        1. Godkendelse af dagsorden
            Dagsordenen blev godkendt.

        2. Orientering fra formandskabet
            Formandskabet orienterede om budgettet.
            Bilag: Budget 2023.pdf
        """
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Orientering fra formandskabet")]
    assert "Budget 2023.pdf" in item(m, "2").text
