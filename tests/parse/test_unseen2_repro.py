"""Minimal reproductions of parser failures found on a second round of unseen layouts
(tests/parse/unseen2/): roman-numeral items, "Det blev besluttet:" and joined section headings, a DOCX/HTML
agenda table whose title cell holds the case, a <dl> agenda, the year of a <time datetime>, and an
amount question whose year is in the item title."""

from __future__ import annotations

import textwrap
from pathlib import Path

import docx

from rag.answer.extractive import answer_extractive
from rag.ingest import load_document
from rag.lexical import analyze
from rag.parse import parse_minutes
from rag.query import Query
from rag.retrieve import Retrieval
from rag.types import AgendaItem, Chunk, HeaderUnit, Hit, Meeting


def parse(text: str, source: str = "fixture.txt") -> Meeting:
    return parse_minutes(textwrap.dedent(text).lstrip("\n"), source)


def outline(m: Meeting) -> list[tuple[str, str]]:
    return [(it.number, it.title) for it in m.items]


# --- (b) items numbered with roman numerals ---------------------------------------------------


def test_roman_numeral_items() -> None:  # b: "no agenda items found", whole file skipped at ingest
    m = parse(
        """
        Referat
        Temagruppe for børn og unge, Klynge Syd
        Mødedato: Tirsdag den 9. april 2024 kl. 10.00-12.00
        Deltagere:
        Lene Thorsø, sundhedschef, Rebild Kommune
        Referent: Mads Kirk, konsulent
        I. Godkendelse af dagsorden
        Beslutning
        Dagsordenen blev godkendt.
        II. Sårbare gravide – fælles forløbsbeskrivelse
        Sagsfremstilling
        Der er beskrevet et forløb med fast kontaktperson.
        Beslutning
        Forløbsbeskrivelsen blev godkendt.
        III. Eventuelt
        Beslutning
        Intet.
        """
    )
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Sårbare gravide – fælles forløbsbeskrivelse"),
        ("3", "Eventuelt"),
    ]
    assert m.items[1].decision == "Forløbsbeskrivelsen blev godkendt."
    assert not any("Godkendelse" in p for p in m.participants)  # the referent block ends at "I."


# --- (c) decision labels written as a verb phrase or a compound heading -------------------------


def test_det_blev_besluttet_and_compound_decision_headings() -> None:  # c: no decisions at all
    m = parse(
        """
        Fokusgruppe for akutområdet, Midtklyngen
        Dato: 16. maj 2024

        Dagsordenspunkt 1 – Godkendelse af dagsorden

        Det blev besluttet:
        Dagsordenen blev godkendt.

        Dagsordenspunkt 2 – Akutteamets kapacitet

        Baggrund:
        Teamet har to ubesatte stillinger.

        Drøftelse og beslutning:
        Fokusgruppen drøftede sagen. Det blev besluttet at afprøve en fælles weekendvagt.

        Dagsordenspunkt 3 – Eventuelt

        Besluttet: Intet.
        """
    )
    assert [it.decision for it in m.items] == [
        "Dagsordenen blev godkendt.",
        "Fokusgruppen drøftede sagen. Det blev besluttet at afprøve en fælles weekendvagt.",
        "Intet.",
    ]


# --- (a) DOCX agenda table whose "Punkt" cell holds the title and the case description ---------


def test_docx_table_title_cell_keeps_title_apart(tmp_path: Path) -> None:  # a: titles = title + description
    d = docx.Document()
    d.add_paragraph("Referat – Klyngestyregruppen i Randersklyngen")
    d.add_paragraph("Dato: 12. februar 2024")
    d.add_paragraph("Referent: Stinna Andreasen, specialkonsulent")
    d.add_paragraph("")
    table = d.add_table(rows=1, cols=3)
    for cell, head in zip(table.rows[0].cells, ["Nr.", "Punkt", "Beslutning"], strict=True):
        cell.paragraphs[0].add_run(head).bold = True
    for n, title, case, decision in [
        ("1.", "Godkendelse af dagsorden", "Dagsordenen er udsendt.", "Godkendt."),
        ("2.", "Budget 2024 for fællesprojekter", "Rammen er 850.000 kr.", "Budgettet blev godkendt."),
        ("3.", "Eventuelt", None, "Intet."),
    ]:
        row = table.add_row().cells
        row[0].paragraphs[0].add_run(n)
        row[1].paragraphs[0].add_run(title).bold = True
        if case:
            row[1].add_paragraph(case)
        row[2].paragraphs[0].add_run(decision)
    path = tmp_path / "tabel.docx"
    d.save(path)
    doc = load_document(path)
    m = parse_minutes(doc.text, doc.path)
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Budget 2024 for fællesprojekter"),
        ("3", "Eventuelt"),
    ]
    assert m.items[1].decision == "Budgettet blev godkendt."
    assert "Rammen er 850.000 kr." in m.items[1].text
    # The table's header row is not a list of people under "Referent:".
    assert m.participants == ("Stinna Andreasen, specialkonsulent (referent)",)


def test_html_table_title_cell_keeps_title_apart(tmp_path: Path) -> None:  # same layout as a web page
    path = tmp_path / "referat.html"
    path.write_text(
        "<html><body><h1>Referat – Klyngestyregruppen, Vestklyngen</h1><p>Dato: 4. juni 2024</p>"
        "<table><tr><th>Nr.</th><th>Punkt</th><th>Beslutning</th></tr>"
        "<tr><td>1</td><td><strong>Godkendelse af dagsorden</strong><p>Udsendt med indkaldelsen.</p></td>"
        "<td>Godkendt.</td></tr>"
        "<tr><td>2</td><td><p><b>Genoptræning – fælles ventetidsmål</b></p><p>Ventetiden er 5-14 dage.</p></td>"
        "<td><p>Målet er opstart inden 7 dage.</p></td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    doc = load_document(path)
    m = parse_minutes(doc.text, doc.path)
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Genoptræning – fælles ventetidsmål")]
    assert m.items[1].decision == "Målet er opstart inden 7 dage."


# --- (d) HTML: agenda in a <dl>, date in <time datetime>, metadata table ------------------------


def _html(tmp_path: Path, body: str) -> Meeting:
    path = tmp_path / "side.html"
    path.write_text(f"<!doctype html><html><body><main>{body}</main></body></html>", encoding="utf-8")
    doc = load_document(path)
    return parse_minutes(doc.text, doc.path)


def test_html_definition_list_agenda(tmp_path: Path) -> None:  # d: 1 item holding everything
    m = _html(
        tmp_path,
        "<h1>Referat – Klyngestyregruppen, Vestklyngen</h1><p>Dato: 4. juni 2024</p><dl>"
        "<dt>1. Godkendelse af dagsorden</dt><dd><p><strong>Beslutning:</strong> Godkendt.</p></dd>"
        "<dt>2. Udskrivning af ældre medicinske patienter</dt><dd>"
        "<p><strong>Sagsfremstilling:</strong> 38 pct. udskrives efter kl. 15.</p>"
        "<p><strong>Beslutning:</strong> 70 pct. skal udskrives før kl. 14.</p></dd>"
        "<dt>3. Eventuelt</dt><dd><p><strong>Beslutning:</strong> Intet.</p></dd></dl>",
    )
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Udskrivning af ældre medicinske patienter"),
        ("3", "Eventuelt"),
    ]
    assert m.items[1].decision == "70 pct. skal udskrives før kl. 14."


def test_html_time_element_gives_the_year(tmp_path: Path) -> None:  # year guessed from other years
    m = _html(
        tmp_path,
        "<h1>Referat – Klyngestyregruppen, Vestklyngen</h1>"
        '<p>Mødedato: <time datetime="2023-11-02">2. november</time></p>'
        "<p>1. Budget 2024</p><p>Beslutning: Budget 2024 blev godkendt.</p>"
        "<p>2. Eventuelt</p><p>Beslutning: Intet.</p>",
    )
    assert m.date == "2023-11-02"


def test_metadata_table_row_does_not_swallow_the_next_heading(tmp_path: Path) -> None:
    # d: participants got "Dagsorden og beslutninger (afbud)"
    m = _html(
        tmp_path,
        "<h1>Referat – Klyngestyregruppen, Vestklyngen</h1>"
        '<table class="meta"><tr><th>Dato</th><td>4. juni 2024</td></tr>'
        "<tr><th>Afbud</th><td>Jesper Lau, direktør, Struer Kommune</td></tr></table>"
        "<h2>Dagsorden og beslutninger</h2>"
        "<p>1. Godkendelse af dagsorden</p><p>Beslutning: Godkendt.</p>"
        "<p>2. Eventuelt</p><p>Beslutning: Intet.</p>",
    )
    assert m.participants == ("Jesper Lau, direktør, Struer Kommune (afbud)",)


# --- answerer: a year printed only in the item's title ------------------------------------------


def test_amount_question_with_year_in_item_title_only() -> None:
    # "Hvad besluttede Randersklyngen om budgettet ... i 2024?" was refused ("nævner ikke det beløb")
    # because the year check looked at the item text but not at its title "Budget 2024 ...".
    item = AgendaItem(
        number="6", title="Budget 2024 for klyngens fællesprojekter",
        text="Klyngen har en ramme på 850.000 kr.\nBeslutning: Budgettet blev godkendt, dog flyttes 50.000 kr.",
        decision="Budgettet blev godkendt, dog flyttes 50.000 kr.",
    )  # fmt: skip
    m = Meeting(
        id="m1", file="m1.txt", cluster="Randersklyngen", body="Klyngestyregruppen", date="2024-02-12",
        place=None, title=None, participants=(), header=HeaderUnit(text="Dato: 12. februar 2024"), items=(item,),
    )  # fmt: skip
    chunk = Chunk(id="m1:6", meeting_id="m1", file="m1.txt", item="6", title=item.title, text=item.text,
                  search_text=item.text, cluster=m.cluster, body=m.body, date=m.date)  # fmt: skip
    hit = Hit(chunk=chunk, score=1.0, dense_score=0.9, lexical_score=1.0, coverage=1.0)
    question = "Hvad besluttede Randersklyngen om budgettet for klyngens fællesprojekter i 2024?"
    query = Query(text=question, intent="amount", date_from="2024-01-01", date_to="2024-12-31", soft_period=True)
    terms = tuple(t for t in analyze("budgettet klyngens fællesprojekter"))
    answer = answer_extractive(query, Retrieval(hits=(hit,), query_terms=terms), {m.id: m}, min_coverage=0.2)
    assert not answer.refused
    assert "50.000 kr." in answer.answer
