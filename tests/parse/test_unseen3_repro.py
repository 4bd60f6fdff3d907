"""Minimal reproductions of parser failures found on a third round of unseen layouts
(tests/parse/unseen3/): minutes quoted in an e-mail reply ("> "), "Sag N:" headings under a
table of contents, a two-column metadata table printed to PDF ("Mødested Favrskov Rådhus"),
running headers that number the page or repeat on only two pages, a CMS sidebar after the
article, and the group's full name on the title line under a shorter one."""

from __future__ import annotations

from pathlib import Path

from rag.ingest import load_document
from rag.parse import parse_minutes
from rag.types import PAGE_BREAK
from tests.parse.conftest import item, outline, parse

QUOTED_ITEMS = """
> Pkt. 1 Godkendelse af dagsorden
> Konklusion: Dagsordenen blev godkendt.
>
> Pkt. 2 Status på IV-forløb
> Mette Skou gennemgik tallene.
> Konklusion: Følgegruppen tog status til efterretning.
"""


def test_minutes_quoted_in_an_email_reply() -> None:  # c: "no numbered agenda items found"
    m = parse(
        """
        Fra: Jens Krog <jens.krog@horsens.dk>
        Emne: SV: Referat fra følgegruppemøde 3/9

        Tak for referatet. Ingen bemærkninger.

        -----Oprindelig meddelelse-----
        > REFERAT
        > Følgegruppen for IV-behandling i nærområdet, Horsensklyngen
        >
        > Dato: tirsdag d. 3/9-2024 kl. 14.00-15.30
        > Mødested: Regionshospitalet Horsens, Sundvej 30, mødelokale 4
        >"""
        + QUOTED_ITEMS
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Status på IV-forløb")]
    assert item(m, "2").decision == "Følgegruppen tog status til efterretning."
    assert m.place == "Regionshospitalet Horsens, Sundvej 30, mødelokale 4"  # no "> Mødested:"
    assert m.body == "Følgegruppen for IV-behandling i nærområdet"  # the title line's full name


def test_a_few_quoted_lines_are_left_alone() -> None:
    m = parse(
        """
        Referat, Klyngestyregruppen
        1. Godkendelse af dagsorden
        Beslutning: Godkendt.
        2. Høringssvar
        Kommunen skrev:
        > Vi støtter forslaget.
        Beslutning: Taget til efterretning.
        3. Eventuelt
        Intet.
        4. Næste møde
        Den 3. juni.
        """
    )
    assert "> Vi støtter forslaget." in item(m, "2").text


def test_sag_n_headings_and_their_table_of_contents() -> None:  # e: "no numbered agenda items found"
    m = parse(
        """
        Sundhedsklynge Aarhus
        Referat
        Klyngestyregruppen for Aarhusklyngen
        Dato: Torsdag den 3. oktober 2024 kl. 9.00-12.00

        Indholdsfortegnelse
        Sag 1: Godkendelse af dagsorden\t2
        Sag 2: Akutfunktionen i Aarhus Kommune\t2
        Bilagsoversigt\t3

        Sag 1: Godkendelse af dagsorden
        Beslutning
        Dagsordenen blev godkendt.

        Sag 2: Akutfunktionen i Aarhus Kommune
        Beslutning
        Forslaget blev godkendt.
        """
    )
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Akutfunktionen i Aarhus Kommune")]
    assert item(m, "2").decision == "Forslaget blev godkendt."
    assert m.body == "Klyngestyregruppen"  # the group under the letterhead, not "Sundhedsklyngen"


def test_a_metadata_table_printed_without_its_cell_break() -> None:  # f: place None
    m = parse(
        """
        Referat
        Temagruppe for genoptræning og rehabilitering – Randersklyngen
        Mødedato Torsdag 23. maj 2024
        Tidspunkt 9.00–11.30
        Mødested Favrskov Rådhus, Torvegade 7, Hinnerup, mødelokale 1.14
        Referent Signe Bak, udviklingskonsulent, Randers Kommune
        1) Godkendelse af referat
        Beslutning:
        Referatet blev godkendt.
        2) Eventuelt
        Intet.
        """
    )
    assert m.place == "Favrskov Rådhus, Torvegade 7, Hinnerup, mødelokale 1.14"
    assert m.date == "2024-05-23"
    # a place noun that starts the value is no label ("Mødelokale 2, Regionshuset Viborg")
    m = parse(
        """
        REFERAT
        Temagruppe Demens, Sundhedsklynge Vest
        Tirsdag d. 3/10-2023 kl. 13-15
        Mødelokale 2, Regionshuset Viborg

        1. Godkendelse af dagsorden
        Beslutning: Godkendt.
        """
    )
    assert m.place == "Mødelokale 2, Regionshuset Viborg"


def _pages(header: str, bodies: list[str]) -> str:
    return PAGE_BREAK.join(f"{header.format(n=n)}\n{body}\nSide {n} af {len(bodies)}"
                           for n, body in enumerate(bodies, start=1))


def test_a_running_header_that_numbers_the_page_is_no_title() -> None:  # b: body from the running header
    text = _pages("Referat – Klyngestyregruppe Vest – side {n}", [
        "Referat\nKlyngestyregruppen i Vestklyngen\nDato: Onsdag den 6. november 2024\n"
        "1. Godkendelse af dagsorden\nBeslutning: Godkendt.",
        "2. Meddelelser\nBeslutning: Taget til efterretning.",
        "3. Eventuelt\nBeslutning: Intet.",
    ])
    m = parse_minutes(text, "fixture.pdf")
    assert m.title == "Referat Klyngestyregruppen i Vestklyngen"
    assert m.body == "Klyngestyregruppen"


def test_a_running_header_on_both_pages_of_a_two_page_pdf() -> None:  # f: header glued to a decision
    text = _pages("Randersklyngen · Temagruppe for genoptræning", [
        "Referat\nDato: 23. maj 2024\n1) Genoptræningsplaner\nBeslutning:\nDer gennemføres en audit.",
        "2) Eventuelt\nBeslutning:\nIntet.",
    ])
    m = parse_minutes(text, "fixture.pdf")
    assert item(m, "1").decision == "Der gennemføres en audit."


def test_a_cms_sidebar_and_update_stamp_are_no_part_of_the_last_item(tmp_path: Path) -> None:  # d
    page = tmp_path / "referat.html"
    page.write_text(
        """<html><body><aside><p>Dato: Mandag den 18. november 2024</p><p>Sted: Aars Rådhus</p></aside>
        <main><article>
        <h1>Referat – Styregruppen for Klynge Syd</h1>
        <ul><li>Dato: Mandag den 18. november 2024</li><li>Sted: Aars Rådhus</li></ul>
        <h3>1. Godkendelse af dagsorden</h3><div class="beslutning"><h4>Beslutning</h4><p>Godkendt.</p></div>
        <h3>2. Eventuelt</h3><div class="beslutning"><h4>Beslutning</h4><p>Næste møde er 10. marts 2025.</p></div>
        <p class="updated">Sidst opdateret: 25. november 2024</p>
        </article></main>
        <aside class="sidebar"><h2>Tidligere møder</h2><ul><li><a href="/a">Referat 16. september 2024</a></li>
        </ul><h2>Kontakt</h2><p>Klyngesekretariatet</p></aside>
        </body></html>""",
        encoding="utf-8",
    )
    doc = load_document(page)
    m = parse_minutes(doc.text, doc.path)
    assert item(m, "2").decision == "Næste møde er 10. marts 2025."
    assert "Tidligere møder" not in doc.text and "Sidst opdateret" not in item(m, "2").text
    assert doc.text.count("Sted: Aars Rådhus") == 2  # a facts box beside the article stays
