"""HTML pages: a demo intranet page that embeds the widget, and one source page per meeting.

Minutes are untrusted text (they may contain HTML or script): every value is
escaped with ``html.escape`` and the pages carry a strict Content-Security-Policy
without 'unsafe-inline', so nothing from a document can ever run.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.deps import get_pipeline
from api.errors import status_for
from api.security import reader
from rag.errors import RagError
from rag.types import Meeting

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "same-origin"}
MIN_PART_CHARS = 4  # shorter quote parts would highlight stray words

router = APIRouter(tags=["pages"], include_in_schema=False)
esc = html.escape


def static_files() -> StaticFiles:
    """The widget's script and styles, mounted at /static."""
    return StaticFiles(directory=STATIC_DIR)


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    doc = (
        '<!doctype html>\n<html lang="da"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{esc(title)}</title><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="/static/pages.css"></head>\n'
        f'<body>{body}</body></html>\n'
    )
    return HTMLResponse(doc, status_code=status, headers=HEADERS)


def _error_page(status: int, message: str) -> HTMLResponse:
    body = (f'<main class="page"><h1>{"Ikke fundet" if status == 404 else "Kilden kan ikke vises"}</h1>'
            f'<p class="error">{esc(message)}</p><p><a href="/">Til forsiden</a></p></main>')
    return _page("Fejl – Referat-RAG", body, status)


def danish_date(iso: str | None) -> str:
    """'2017-06-22' -> '22.06.2017' (anything else unchanged)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    return f"{m[3]}.{m[2]}.{m[1]}" if m else (iso or "ukendt dato")


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that the quote's parts (joined by ' … ') match, whitespace-insensitively."""
    spans: list[tuple[int, int]] = []
    for part in quote.split("…"):
        words = part.strip().strip("«»\"").split()
        if len(" ".join(words)) < MIN_PART_CHARS:
            continue
        # A line break after a hyphen ("IV-\nbehandling") may be gone in the quote, or the reverse.
        pattern = r"\s+".join(re.escape(w).replace(r"\-", r"\-\s*") for w in words)
        for flags in (0, re.IGNORECASE):
            found = [m.span() for m in re.finditer(pattern, text, flags)]
            if found:
                spans.extend(found)
                break
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for sep in re.finditer(r"\n[ \t]*\n\s*", text):
        yield start, sep.start()
        start = sep.end()
    yield start, len(text)


def render_text(text: str, spans: list[tuple[int, int]]) -> str:
    """Paragraphs of raw text as escaped ``<p>``s, with the spans wrapped in ``<mark>``."""
    out = []
    for a, b in _paragraphs(text):
        if not text[a:b].strip():
            continue
        pieces, pos = [], a
        for s, e in spans:
            s, e = max(s, a), min(e, b)
            if s >= e:
                continue
            pieces.append(f"{esc(text[pos:s])}<mark>{esc(text[s:e])}</mark>")
            pos = e
        pieces.append(esc(text[pos:b]))
        out.append(f"<p>{''.join(pieces)}</p>")
    return "\n".join(out)


def _meeting_body(m: Meeting, q: str) -> tuple[str, int]:
    marks = 0

    def unit(anchor: str, heading: str, text: str) -> str:
        nonlocal marks
        spans = find_quote(text, q) if q else []
        marks += len(spans)
        return (f'<section id="{esc(anchor)}" aria-labelledby="h-{esc(anchor)}">'
                f'<h2 id="h-{esc(anchor)}">{esc(heading)}</h2>\n{render_text(text, spans)}</section>')

    meta = [("Dato", danish_date(m.date)), ("Klynge", m.cluster), ("Forum", m.body), ("Sted", m.place),
            ("Fil", m.file)]
    toc = "".join(f'<li><a href="#punkt-{esc(i.number)}">{esc(i.number)}. {esc(i.title)}</a></li>'
                  for i in m.items)
    units = [unit("forside", "Mødets forside", m.header.text)]
    units += [unit(f"punkt-{i.number}", f"Punkt {i.number}. {i.title}", i.text) for i in m.items]
    body = (
        f'<h1>{esc(m.title or "Mødereferat")}</h1>\n<dl class="meta">'
        + "".join(f"<dt>{k}</dt><dd>{esc(v)}</dd>" for k, v in meta if v)
        + "</dl>\n"
        + f'<nav aria-label="Dagsorden"><h2>Dagsorden</h2><ul class="toc">'
        f'<li><a href="#forside">Mødets forside</a></li>{toc}</ul></nav>\n'
        + "\n".join(units)
    )
    return body, marks


@router.get("/", response_class=HTMLResponse)
def demo(request: Request) -> HTMLResponse:
    """A demo intranet page with the chat widget embedded by its one-tag snippet."""
    base = str(request.base_url).rstrip("/")
    tag = f'<script src="{esc(base)}/static/widget.js" data-api="{esc(base)}" defer></script>'
    body = f"""
<header class="intranet-top"><span class="logo">Klyngeintranettet</span>
<nav aria-label="Hovedmenu"><a href="/">Forside</a> <a href="#snippet">Til udviklere</a></nav></header>
<main class="page">
<h1>Velkommen til klyngeintranettet</h1>
<p>Her samler vi referater fra klyngestyregrupperne og deres fora. Har du et spørgsmål om,
hvad en klynge har besluttet, så brug knappen <strong>Spørg referaterne</strong> nederst til højre.
Svaret citerer referaterne, og hver kilde fører til det præcise dagsordenspunkt.</p>
<p>Prøv for eksempel: <q>Hvad besluttede Randersklyngen om IV-behandling?</q></p>
<h2 id="snippet">Sæt spørgefunktionen på din egen side</h2>
<p>Indsæt dette ene tag på en hvilken som helst side på intranettet:</p>
<pre><code>{esc(tag)}</code></pre>
<p>Kræver tjenesten en API-nøgle, tilføjes <code>data-api-key="…"</code>. Nøglen kan ses af alle,
der kan åbne siden, så brug kun en læsenøgle til hele intranettet – aldrig en administratornøgle.</p>
</main>
{tag}
"""
    return _page("Klyngeintranettet – Spørg referaterne", body)


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting_page(meeting_id: str, request: Request, q: str = "") -> HTMLResponse:
    """The source text of one meeting, every agenda item anchored, the cited quote highlighted."""
    pipeline = get_pipeline(request)
    try:
        # Called here rather than as a dependency so a missing key gets an HTML page, not JSON.
        principal = reader(request)
        m = pipeline.meetings().get(meeting_id)
        readable = m is not None and principal.can_read(pipeline.scope_of(meeting_id))
    except RagError as exc:
        return _error_page(status_for(exc), exc.danish)
    if m is None or not readable:
        # Same page for "does not exist" and "not yours": no leak of what exists.
        return _error_page(404, "Mødet findes ikke i samlingen.")
    body, marks = _meeting_body(m, q)
    note = ""
    if q:
        note = ('<p class="notice" role="status">Citatet fra svaret er fremhævet.</p>' if marks else
                '<p class="notice" role="status">Citatet fra svaret blev ikke fundet ordret i teksten.</p>')
    page = (f'<header class="intranet-top"><span class="logo">Kilde</span>'
            f'<nav aria-label="Hovedmenu"><a href="/">Forside</a></nav></header>'
            f'<main class="page source">{note}{body}</main>')
    title = f"{m.cluster or 'Møde'} {danish_date(m.date)} – kilde"
    return _page(title, page)
