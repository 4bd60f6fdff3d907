"""Minimal reproductions of parser failures found on an eleventh round of unseen layouts
(tests/parse/unseen11/): a cluster the title names outright at a hospital the alias table places in
another cluster, "Klyngeledelsen" as the body, one page per item headed "Punkt 3 af 7" with
"(orientering)" wrapped onto its own line, and an agenda of time slots without item numbers."""

from __future__ import annotations

from tests.parse.conftest import item, outline, parse


def test_a_cluster_named_in_the_title_beats_its_hospitals_places() -> None:
    m = parse(
        "Referat\nKlyngeledelsen i Herningklyngen\n"
        "Dato\tTorsdag den 27. februar 2025, kl. 9.00–11.30\n"
        "Sted\tGødstrup Hospital, Hospitalsparken 15, 7400 Herning\n"
        "Deltagere\tHerning Kommune: Sundhedschef Marianne Brix; Ikast-Brande Kommune: Torben Skov Hansen\n\n"
        "PUNKT 1\n\nGodkendelse af dagsorden\n\nBeslutning\n\nDagsordenen blev godkendt.\n\n"
        "PUNKT 2\n\nEventuelt\n\nIntet.\n"
    )
    assert (m.cluster, m.body) == ("Herningklyngen", "Klyngeledelsen")


def test_one_page_per_item_headed_punkt_n_af_m() -> None:
    page = "Silkeborgklyngen · Klyngeledergruppen · referat af mødet d. 4/3-24\nside {n}/4\n"
    m = parse(
        "Referat fra møde i Klyngeledergruppen for Silkeborgklyngen\nMødedato:\nd. 4/3-24, kl. 14-16\n"
        "Dagsorden\n1. Godkendelse af dagsorden\n2. Psykiatri – fælles akuttelefon (orientering)\n3. Eventuelt\f"
        + page.format(n=2) + "Punkt 1 af 3\nGodkendelse af dagsorden\nReferat\nDagsordenen blev godkendt.\f"
        + page.format(n=3) + "Punkt 2 af 3\nPsykiatri – fælles akuttelefon\n(orientering)\nOrientering\n"
        "Der blev orienteret om akuttelefonen.\f"
        + page.format(n=4) + "Punkt 3 af 3\nEventuelt\nIntet.\n"
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Psykiatri – fælles akuttelefon (orientering)"),
                          ("3", "Eventuelt")]
    assert item(m, "1").decision == "Dagsordenen blev godkendt."


def test_time_slots_number_the_items_and_a_break_is_none() -> None:
    m = parse(
        "Referat fra møde i klyngestyregruppen, Roskildeklyngen\nDato: Torsdag den 18. april 2024\n\n"
        "Program\n"
        "13.00–13.10\tVelkomst og godkendelse af dagsorden\tv/ formanden\n"
        "13.10–13.40\tIV-behandling i eget hjem\tv/ centerchef Bo Hjorth\n"
        "13.40–13.55\tPause\n"
        "13.55–14.00\tEventuelt\n\n"
        "13.00–13.10\tVelkomst og godkendelse af dagsorden\n"
        "Besluttet: Dagsordenen blev godkendt.\n\n"
        "13.10–13.40\tIV-behandling i eget hjem\n"
        "Besluttet: Klyngestyregruppen godkendte samarbejdsaftalen.\n"
        "Aftalen træder i kraft 1. juni 2024.\n\n"
        "13.40–13.55\tPause\n\n"
        "13.55–14.00\tEventuelt\n"
        "Intet.\n"
    )
    assert outline(m) == [("1", "Velkomst og godkendelse af dagsorden"), ("2", "IV-behandling i eget hjem"),
                          ("3", "Eventuelt")]
    assert item(m, "2").decision.startswith("Klyngestyregruppen godkendte samarbejdsaftalen.")
