"""HTML loading: page chrome removed, structure kept as lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.errors import IngestError
from rag.ingest import html, load_document

from .conftest import Writer

PAGE = """<!DOCTYPE html>
<html lang="da">
<head>
  <meta charset="utf-8">
  <title>Referat | Region Midtjylland</title>
  <style>body { font-family: sans-serif; }</style>
  <script>window.dataLayer = [];</script>
</head>
<body>
  <a class="skip-link" href="#main">Spring til indhold</a>
  <header class="site-header">
    <div class="logo">Region Midtjylland</div>
    <nav><ul><li><a href="/">Forside</a></li><li><a href="/om">Om os</a></li></ul></nav>
  </header>
  <div id="cookie-consent" class="banner">Vi bruger cookies <button>Accepter alle</button></div>
  <ol class="breadcrumb"><li>Forside</li><li>Referater</li></ol>
  <div class="mega-menu"><a href="/a">Sundhed</a> <a href="/b">Trafik</a></div>
  <main id="main">
    <article>
      <header><h1>Referat fra Klyngestyregruppem&oslash;de</h1></header>
      <p>M&oslash;det blev holdt
         p&aring; Regionshospitalet   Randers &amp; via Teams.<br>Referent: Hanne Mark</p>
      <span aria-hidden="true">&#9733;</span>
      <noscript>Sl&aring; JavaScript til</noscript>
      <h2>Dagsorden</h2>
      <ol start="3">
        <li>Godkendelse af kommissorium</li>
        <li>Hurtig tilbage p&aring; arbejdsmarkedet
          <ul><li>Bilag: notat</li><li>Bilag: <em>pr&aelig;sentation</em></li></ul>
        </li>
      </ol>
      <h2>Deltagere</h2>
      <table>
        <thead><tr><th>Navn</th><th>Organisation</th></tr></thead>
        <tbody>
          <tr><td>Marianne Jensen</td><td>Randers Kommune</td></tr>
          <tr><td>Per J&oslash;rgensen</td><td><p>Regionshospitalet</p><p>Randers</p></td></tr>
        </tbody>
      </table>
      <dl>
        <dt>M&oslash;deleder</dt><dd>Marianne Jensen</dd>
        <dt>N&aelig;ste m&oslash;de</dt><dd>12. september</dd>
      </dl>
      <form action="/search"><input name="q"><button>S&oslash;g</button></form>
    </article>
  </main>
  <footer class="site-footer">
    <p>Skovl&aring;gen 2, 8200 Aarhus N</p><ul><li>Privatlivspolitik</li></ul>
  </footer>
  <div hidden>Skjult tekst</div>
</body>
</html>
"""

JUNK = [
    "Spring til indhold", "Forside", "Om os", "cookies", "Accepter", "Referater", "Sundhed", "Trafik",
    "Slå JavaScript til", "Søg", "Skovlågen", "Privatlivspolitik", "Skjult", "dataLayer", "font-family",
    "Region Midtjylland", "★",
]  # fmt: skip


def test_page_chrome_is_removed_and_content_kept(write: Writer) -> None:
    doc = load_document(write("referat.html", PAGE))
    assert doc.format == "html"
    for junk in JUNK:
        assert junk not in doc.text, junk
    assert doc.text.split("\n") == [
        "Referat fra Klyngestyregruppemøde",
        "Mødet blev holdt på Regionshospitalet Randers & via Teams.",
        "Referent: Hanne Mark",
        "",
        "Dagsorden",
        "3. Godkendelse af kommissorium",
        "4. Hurtig tilbage på arbejdsmarkedet",
        "  - Bilag: notat",
        "  - Bilag: præsentation",
        "",
        "Deltagere",
        "Navn\tOrganisation",
        "Marianne Jensen\tRanders Kommune",
        "Per Jørgensen\tRegionshospitalet Randers",
        "Mødeleder: Marianne Jensen",
        "Næste møde: 12. september",
    ]


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="windows-1252">',
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
        "",  # no declaration: utf-8 fails, cp1252 fallback
    ],
)
def test_cp1252_page_with_or_without_meta_charset(write: Writer, meta: str) -> None:
    page = f"<html><head>{meta}</head><body><p>Søren Ærø – «Århus»</p></body></html>"
    doc = load_document(write("gammel.htm", page.encode("cp1252")))
    assert doc.text == "Søren Ærø – «Århus»"


def test_utf8_page_labelled_latin1_is_read_as_utf8(write: Writer) -> None:
    page = '<meta charset="iso-8859-1"><p>Mødet i Ærøskøbing</p>'
    assert load_document(write("forkert.html", page)).text == "Mødet i Ærøskøbing"


def test_declared_charset_beats_the_cp1252_fallback(write: Writer) -> None:
    page = '<meta charset="iso-8859-15"><p>Pris: 100 € for Ærø</p>'
    assert load_document(write("euro.html", page.encode("iso-8859-15"))).text == "Pris: 100 € for Ærø"


def test_layout_table_is_rendered_as_blocks(write: Writer) -> None:
    page = (
        "<table><tr><td><h1>Referat</h1><table><tr><td>Punkt 1</td><td>Godkendt</td></tr></table></td>"
        "<td><p>Højre kolonne</p></td></tr></table>"
    )
    assert load_document(write("layout.html", page)).text.split("\n") == [
        "Referat", "Punkt 1\tGodkendt", "Højre kolonne",
    ]  # fmt: skip


def test_an_item_table_with_its_number_in_a_margin_cell(write: Writer) -> None:
    page = (
        '<table class="pkt"><tr><td><span class="n">3</span><span class="j">J.nr. 24/17045</span></td><td>'
        "<p>Jobrotation for sygeplejersker</p><p>Sagsfremstilling: Et toårigt forløb.</p>"
        "<div>Referat: Forummet anbefalede forløbet.</div></td></tr></table>"
        "<table><tr><td>2</td><td>Kun en celle med tekst</td></tr></table>"
    )
    assert load_document(write("margin.html", page)).text.split("\n") == [
        "3\tJobrotation for sygeplejersker", "J.nr. 24/17045", "Sagsfremstilling: Et toårigt forløb.",
        "Referat: Forummet anbefalede forløbet.", "", "2\tKun en celle med tekst",
    ]  # fmt: skip


def test_a_sidebar_with_the_meeting_facts_as_a_definition_list_is_kept(write: Writer) -> None:
    page = (
        "<div><main><h1>Referat fra møde i Klyngestyregruppen</h1><p>Dagsordenspunkt 1: Velkomst</p></main>"
        "<aside><h2>Mødeinfo</h2><dl><dt>Dato</dt><dd>Fredag den 2. juni 2023</dd>"
        "<dt>Sted</dt><dd>Regionshospitalet Gødstrup, lokale M3</dd>"
        "<dt>Deltagere</dt><dd><ul><li>Ole Thomsen</li><li>Lone Gade</li></ul></dd></dl></aside>"
        "<aside><h2>Tidligere referater</h2><ul><li>Referat 10. marts 2023</li></ul></aside></div>"
    )
    lines = load_document(write("aside.html", page)).text.split("\n")
    assert "Dato: Fredag den 2. juni 2023" in lines and "Sted: Regionshospitalet Gødstrup, lokale M3" in lines
    assert lines[lines.index("Deltagere") + 1:][:2] == ["- Ole Thomsen", "- Lone Gade"]
    assert "Tidligere referater" not in lines  # a sidebar of links is still page chrome


def test_a_nav_listing_the_pages_own_sections_is_the_agenda(write: Writer) -> None:
    items = "".join(f'<li><a href="#punkt-{n}">Titel {n}</a></li>' for n in (1, 2, 3))
    page = (f'<nav class="site"><a href="/">Forside</a> <a href="/om">Om</a> <a href="/kontakt">Kontakt</a></nav>'
            f'<nav class="agenda"><h2>Dagsorden</h2><ol>{items}</ol></nav>'
            '<main><h2 id="punkt-1">Titel 1</h2><p>Tekst.</p></main>')
    lines = load_document(write("nav.html", page)).text.split("\n")
    assert [s for s in lines if s[:1].isdigit()] == ["1. Titel 1", "2. Titel 2", "3. Titel 3"]
    assert "Forside" not in " ".join(lines)  # the site menu links to other pages: still chrome


def test_css_counters_number_the_item_cards_and_a_pin_icon_labels_the_place(write: Writer) -> None:
    page = (
        "<html><head><style>.items{counter-reset:punkt} .card{counter-increment:punkt}"
        ".card__title::before{content:counter(punkt) \". \";color:#0a9}</style></head><body>"
        '<ul class="meta"><li><span class="icon icon--pin" aria-hidden="true"></span>OUH, mødelokale 4</li></ul>'
        '<div class="items">'
        '<article class="card" id="dagsordenspunkt-48213"><h2 class="card__title">Godkendelse af dagsorden</h2>'
        "<p>Beslutning: Godkendt.</p></article>"
        '<article class="card" id="dagsordenspunkt-48214"><h2 class="card__title">Eventuelt</h2><p>Intet.</p>'
        "</article></div></body></html>"
    )
    lines = load_document(write("cards.html", page)).text.split("\n")
    assert "1. Godkendelse af dagsorden" in lines and "2. Eventuelt" in lines
    assert "- Sted: OUH, mødelokale 4" in lines


def test_an_accordions_titles_and_collapsed_panels_are_content(write: Writer) -> None:
    page = (
        '<div class="cookie"><button type="button">Accepter alle</button></div>'
        '<h3><button type="button" class="accordion__trigger" aria-expanded="false" aria-controls="p1" '
        'id="p1-btn"><span>1.</span> <span>Velkomst og godkendelse af dagsorden</span></button></h3>'
        '<div class="accordion__panel" id="p1" role="region" aria-labelledby="p1-btn" hidden>'
        "<h4>Beslutning</h4><p>Dagsordenen blev godkendt.</p></div>"
        '<div class="spoiler" hidden><p>Skjult tekst</p></div>'
    )
    lines = load_document(write("accordion.html", page)).text.split("\n")
    assert "1. Velkomst og godkendelse af dagsorden" in lines and "Dagsordenen blev godkendt." in lines
    assert "Accepter alle" not in lines and "Skjult tekst" not in lines


def test_pre_keeps_line_layout(write: Writer) -> None:
    doc = load_document(write("pre.html", "<p>Tal:</p><pre>Budget   2017\nDrift    1.200</pre>"))
    assert doc.text.split("\n") == ["Tal:", "Budget   2017", "Drift    1.200"]


def test_page_with_only_chrome_is_empty(write: Writer) -> None:
    page = "<html><body><nav>Menu</nav><script>x()</script><div class='cookie'>OK</div></body></html>"
    with pytest.raises(IngestError, match="empty"):
        load_document(write("tom.html", page))


def test_binary_renamed_html(write: Writer) -> None:
    with pytest.raises(IngestError, match="binary content"):
        load_document(write("side.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))


_TOKENS = [*"<>/=\"' abcdlpruoitæøå&;#\n", "<p>", "</p>", "<li>", "<ol>", "<table>", "<tr>", "<td>",
           "<dl>", "<dt>", "<dd>", "<br>", "<nav>", "<h2>", "&nbsp;", "<pre>"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(markup=st.lists(st.sampled_from(_TOKENS), max_size=80).map("".join))
def test_arbitrary_markup_never_crashes(markup: str) -> None:
    try:
        text = html.extract(markup.encode("utf-8"), "fuzz.html").text
    except IngestError:
        return
    assert "\r" not in text
