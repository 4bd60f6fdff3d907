"""Minimal reproductions of parser failures found on a tenth round of unseen layouts
(tests/parse/unseen10/): "Emne N:" items with sub-items 1a/1b, an English template ("Item 3",
"Location:", "Resolution:"), a scan whose running header the OCR misread on one page ("K1ynge")
and a hyphenated cluster name, an agenda whose entries the body heads in other words, and a
fixed-width printout (two fields per line, column gaps in the agenda, "Beslutning      text" and
"Beslutning   -")."""

from __future__ import annotations

from tests.parse.conftest import item, outline, parse


def test_emne_items_with_lettered_sub_items() -> None:
    m = parse(
        "Referat af møde i Styregruppen for Lillebæltklyngen\n"
        "Mødedato:\tOnsdag den 22. maj 2024\n"
        "Mødested:\tSygehus Lillebælt, Kolding\n\n"
        "Emne 1: Formalia\n\n"
        "1a\tGodkendelse af dagsorden\n"
        "Dagsordenen blev udsendt den 15. maj 2024.\n\n"
        "1b\tOpfølgning på referat\n"
        "Referatet er godkendt ved skriftlig høring.\n"
        "Beslutning\n"
        "Dagsordenen blev godkendt.\n\n"
        "Emne 2: IV-behandling i eget hjem – fælles instruks\n"
        "Beslutning\n"
        "Styregruppen godkendte den fælles instruks.\n"
    )
    assert outline(m) == [("1", "Formalia"), ("2", "IV-behandling i eget hjem – fælles instruks")]
    assert item(m, "2").decision == "Styregruppen godkendte den fælles instruks."


def test_an_english_template_filled_in_danish() -> None:
    m = parse(
        "Minutes\n"
        "Meeting:\tKlyngestyregruppen, Aalborgklyngen\n"
        "Date:\t30. januar 2025\n"
        "Location:\tAalborg Universitetshospital, mødelokale Limfjorden\n"
        "Chair:\tLotte Rosenkilde Bak\n\n"
        "Item 1\tGodkendelse af dagsorden\n"
        "Recommendation:\nAt dagsordenen godkendes.\n"
        "Resolution:\nDagsordenen blev godkendt.\n"
        "Item 2\tKlyngemidler 2025\n"
        "Background:\nDer er 1,2 mio. kr. til rådighed.\n"
        "Resolution:\nFordelingen blev godkendt.\n"
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Klyngemidler 2025")]
    assert item(m, "2").decision == "Fordelingen blev godkendt."
    assert m.place == "Aalborg Universitetshospital, mødelokale Limfjorden"


def test_a_running_header_misread_by_ocr_on_one_page_and_a_hyphenated_cluster() -> None:
    header = "Klynge Thy-Mors – Klyngestyregruppen Referat 9. november 2023"
    misread = header.replace("Klynge", "K1ynge", 1)
    m = parse(
        f"{header}\nReferat\nKlyngestyregruppen for Klynge Thy-Mors\nDato: Torsdag den 9. november 2023\n"
        "1. Godkendelse af dagsorden\nBeslutning:\nDagsordenen blev godkendt.\n"
        f"2. Akutfunktionen\nSagsfremstilling:\nEn model er afprøvet.\nBeslutning:\nSide 1 af 3\f{header}\n"
        "Klyngestyregruppen godkendte modellen.\n"
        f"3. Klyngemidler\nBeslutning:\nFordelingen blev godkendt.\nSide 2 af 3\f{misread}\n"
        "4. Eventuelt\nIntet.\nSide 3 af 3\n"
    )
    assert item(m, "2").decision == "Klyngestyregruppen godkendte modellen."
    assert m.cluster == "Klynge Thy-Mors"
    assert outline(m)[3] == ("4", "Eventuelt")


def test_an_agenda_entry_the_body_heads_in_other_words() -> None:
    m = parse(
        "Referat\nSundhedssamarbejdsudvalget\nKlynge Vestsjælland\nDato: 26. marts 2025\n"
        "Dagsorden\n"
        "1. Velkomst og godkendelse af dagsorden\n"
        "2. Genoptræning – ventetid\n"
        "3. Klyngemidler 2025\n"
        "4. Demens – fælles demensspor\n"
        "5. Eventuelt\n"
        "Referat\n"
        "Velkomst og godkendelse af dagsorden\nBESLUTNING\nDagsordenen blev godkendt.\n"
        "Genoptræningsplaner – ventetid og kvalitet i overgangen\nINDSTILLING\nDet indstilles, at målet godkendes.\n"
        "BESLUTNING\nMålet blev godkendt.\n"
        "Økonomi – klyngemidler 2025\nINDSTILLING\nDet indstilles, at fordelingen godkendes.\n"
        "BESLUTNING\nFordelingen blev godkendt.\n"
        "Demens – fælles demensspor\nORIENTERING\nDer blev orienteret om demenssporet.\n"
        "Eventuelt\nIntet.\n"
    )
    assert outline(m) == [("1", "Velkomst og godkendelse af dagsorden"),
                          ("2", "Genoptræningsplaner – ventetid og kvalitet i overgangen"),
                          ("3", "Økonomi – klyngemidler 2025"), ("4", "Demens – fælles demensspor"),
                          ("5", "Eventuelt")]
    assert item(m, "3").decision == "Fordelingen blev godkendt."


def test_a_fixed_width_printout() -> None:
    m = parse(
        "UDVALG     : Klyngestyregruppen                       KLYNGE  : Hvidovreklyngen\n"
        "MØDEDATO   : 20-06-2024                               TID     : 14:00-16:30\n"
        "MØDESTED   : Amager og Hvidovre Hospital, mødelokale 1\n\n"
        "DAGSORDEN\n"
        "PKT  TITEL                                                ANSVARLIG                    TYPE\n"
        "   1 Godkendelse af dagsorden                             Formanden                    Beslutning\n"
        "   2 Ældre medicinske patienter – tidlig opsporing af     Kirsten Vang                 Beslutning\n"
        "     forværring i hjemmeplejen\n"
        "   3 Eventuelt                                            Formanden                    Drøftelse\n\n"
        "PKT   1   Godkendelse af dagsorden\n"
        "          Ansvarlig: Formanden\n"
        "Beslutning         Dagsordenen blev godkendt.\n\n"
        "PKT   2   Ældre medicinske patienter – tidlig opsporing af forværring i hjemmeplejen\n"
        "          Ansvarlig: Kirsten Vang, Hvidovre Kommune\n"
        "Beslutning         Klyngestyregruppen godkendte ændringsskemaet.\n\n"
        "PKT   3   Eventuelt\n"
        "Drøftelse          Intet.\n\n"
        "Beslutning         -\n\n"
        "Referatet er godkendt af formandskabet 26-06-2024.\n"
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"),
                          ("2", "Ældre medicinske patienter – tidlig opsporing af forværring i hjemmeplejen"),
                          ("3", "Eventuelt")]
    assert item(m, "2").decision == "Klyngestyregruppen godkendte ændringsskemaet."
    assert item(m, "3").decision is None
    assert (m.cluster, m.body, m.date) == ("Hvidovreklyngen", "Klyngestyregruppen", "2024-06-20")
