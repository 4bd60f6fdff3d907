"""Minimal reproductions of parser failures found on an eighth round of unseen layouts
(tests/parse/unseen8/): bilingual "Agenda item N" minutes, items numbered "3.0", dot-leader
labels and an all-caps cluster name, a label alone on its line above its value, one slide per
item whose "DAGSORDENSPUNKT N" looked like a running header, and a metadata table whose first
row names the columns."""

from __future__ import annotations

from tests.parse.conftest import item, norm, outline, parse


def test_bilingual_agenda_items_labels_and_date() -> None:
    m = parse(
        "Dato / Date: 23 January 2020\n"
        "Mødested / Venue: Odense Universitetshospital, mødelokale 2.3\n"
        "MINUTES / REFERAT\n"
        "Klyngestyregruppen – Sundhedsklynge Fyn (Steering Committee)\n\n"
        "Agenda item 1 – Welcome and approval of the agenda\n"
        "Background: The chair welcomed the members.\n"
        "Decision: The agenda was approved without changes.\n"
        "Agenda item 2 – Telemedicinsk sårvurdering\n"
        "Recommendation: Udbredelse til alle tre kommuner.\n"
        "Decision: Godkendt fra 1. april 2020.\n"
    )
    assert outline(m) == [("1", "Welcome and approval of the agenda"), ("2", "Telemedicinsk sårvurdering")]
    assert item(m, "2").decision == "Godkendt fra 1. april 2020."
    assert m.date == "2020-01-23" and m.place == "Odense Universitetshospital, mødelokale 2.3"


def test_items_numbered_point_zero_with_numbered_sections() -> None:
    m = parse(
        "Holbækklyngen – Klyngestyregruppen\n"
        "Mødedato\n"
        "Torsdag den 11. maj 2023, kl. 14.00–16.00\n"
        "Mødested\n"
        "Holbæk Sygehus, Smedelundsgade 60, lokale B.1.12\n"
        "1.0   Godkendelse af dagsorden\n"
        "Konklusion\n"
        "Dagsordenen blev godkendt.\n"
        "2.0   Opfølgning på handleplan\n"
        "Konklusion\n"
        "Klyngestyregruppen tog statussen til efterretning.\n"
        "2.1 Sagsfremstilling\n"
        "Handleplanen har fire indsatser.\n"
        "3.0   Eventuelt\n"
        "Intet.\n"
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Opfølgning på handleplan"), ("3", "Eventuelt")]
    assert m.place == "Holbæk Sygehus, Smedelundsgade 60, lokale B.1.12"


def test_dot_leader_labels_and_a_cluster_name_in_capitals() -> None:
    m = parse(
        "  KLYNGE NORD  -  STYREGRUPPEN FOR SUNDHEDSAFTALESAMARBEJDET\n\n"
        "Dato .........: Torsdag den 21. september 2017 kl. 09.00 - 12.00\n"
        "Sted .........: Sygehus Vendsyssel, Hjørring, mødelokale 1\n\n"
        "PKT. 01  GODKENDELSE AF DAGSORDEN\n"
        "BESLUTNING: Godkendt.\n\n"
        "PKT. 02  EVENTUELT\n"
        "Intet.\n"
    )
    assert m.cluster == "Klynge Nord"
    assert m.place == "Sygehus Vendsyssel, Hjørring, mødelokale 1"
    assert [i.number for i in m.items] == ["1", "2"]


def test_an_item_label_at_the_top_of_every_page_is_no_running_header() -> None:
    pages = [f"DAGSORDENSPUNKT {n}\n{title}\nTekst om punktet.\nBESLUTNING\n{decision}\n{n + 2}Horsensklyngen · Referat"
             for n, title, decision in [(1, "Godkendelse af dagsorden", "Godkendt."),
                                        (2, "Klyngemidler 2019", "Bevilget."),
                                        (3, "Akutfunktioner i kommunerne", "Taget til efterretning."),
                                        (4, "Eventuelt", "Intet.")]]
    m = parse("Referat\nHorsensklyngen · Styregruppemøde 14.03.2019\n\x0c" + "\x0c".join(pages))
    assert [i.number for i in m.items] == ["1", "2", "3", "4"]
    assert norm(item(m, "3").title) == "Akutfunktioner i kommunerne"


def test_a_metadata_table_whose_first_row_names_the_columns() -> None:
    m = parse(
        "Referat\n"
        "Sundhedsklyngebestyrelsen\n"
        "Mødedato\tMødested\tMødeleder\n"
        "Torsdag den 27. februar 2025, kl. 15.00\tViborg Rådhus, mødelokale B.1.07\tHanne Kloster, formand\n\n"
        "Punkt 1 Godkendelse af dagsorden\n"
        "Beslutning: Godkendt.\n"
        "Punkt 2 Eventuelt\n"
        "Beslutning: Intet.\n"
    )
    assert m.date == "2025-02-27" and m.place == "Viborg Rådhus, mødelokale B.1.07"
