"""The HTML pages over a real server, without a browser: access, escaping, highlighting, CSP."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from api.routes.pages import find_quote, render_text
from tests.conftest import make_settings

RANDERS_2017 = "000-027e0e0cb2de1631"
VEST = "004-32335bc7de2af119"
QUOTE = ("• Randers Kommune opsiger IV- aftalen pr. 15.07.17 … Udvalget i Randers Kommune har på baggrund af "
         "manglende ressourcer/økonomi besluttet at opsige aftalen om IV behandling i eget hjem.")


@pytest.fixture
def server(fake_settings, live_server_factory):
    return live_server_factory(create_app(fake_settings))


def test_demo_page_embeds_the_widget_with_one_tag(server):
    r = httpx.get(f"{server.url}/")
    assert r.status_code == 200 and '<html lang="da">' in r.text
    tag = f'<script src="{server.url}/static/widget.js" data-api="{server.url}" defer></script>'
    assert tag in r.text  # the live tag
    assert tag.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in r.text  # the copyable snippet
    assert httpx.get(f"{server.url}/static/widget.js").status_code == 200
    assert httpx.get(f"{server.url}/static/widget.css").status_code == 200


def test_meeting_page_has_every_item_anchored_and_a_strict_csp(server):
    r = httpx.get(f"{server.url}/meetings/{RANDERS_2017}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "unsafe-inline" not in csp
    assert '<section id="forside"' in r.text and "Marianne Jensen" in r.text
    for n in range(1, 15):
        assert f'<section id="punkt-{n}"' in r.text
    assert "22.06.2017" in r.text and "Randersklyngen" in r.text and "<mark>" not in r.text


def test_quote_is_highlighted_in_its_item(server):
    r = httpx.get(f"{server.url}/meetings/{RANDERS_2017}", params={"q": QUOTE})
    section = r.text.split('<section id="punkt-9"', 1)[1].split("</section>", 1)[0]
    assert "<mark>• Randers Kommune opsiger IV- aftalen pr. 15.07.17</mark>" in section
    # the second part spans line breaks in the source: matched whitespace-insensitively
    assert "<mark>Udvalget i Randers Kommune har på baggrund af manglende\nressourcer" in section
    assert "Citatet fra svaret er fremhævet" in r.text


def test_unknown_meeting_is_a_danish_404_page(server):
    r = httpx.get(f"{server.url}/meetings/findes-ikke")
    assert r.status_code == 404 and "Mødet findes ikke i samlingen." in r.text
    assert r.headers["content-type"].startswith("text/html") and "content-security-policy" in r.headers


def test_a_meeting_outside_the_keys_scope_looks_missing(fake_settings, live_server_factory):
    settings = make_settings(fake_settings.index.dir, access={
        "keys": {"k": {"name": "n", "scopes": ["Vestklyngen"]}}, "ask_requires_key": True})
    server = live_server_factory(create_app(settings))
    denied = httpx.get(f"{server.url}/meetings/{RANDERS_2017}", headers={"X-API-Key": "k"})
    missing = httpx.get(f"{server.url}/meetings/findes-ikke", headers={"X-API-Key": "k"})
    assert denied.status_code == missing.status_code == 404
    assert denied.text == missing.text  # nothing tells "exists but not yours" from "does not exist"
    assert httpx.get(f"{server.url}/meetings/{VEST}", headers={"X-API-Key": "k"}).status_code == 200
    no_key = httpx.get(f"{server.url}/meetings/{VEST}")
    assert no_key.status_code == 401 and "API-nøgle" in no_key.text


def test_no_index_gives_a_503_page_that_says_how_to_build_one(tmp_path, live_server_factory):
    server = live_server_factory(create_app(make_settings(tmp_path / "empty")))
    r = httpx.get(f"{server.url}/meetings/{RANDERS_2017}")
    assert r.status_code == 503 and "rag ingest" in r.text and '<html lang="da">' in r.text


def test_minutes_html_is_escaped(xss_settings, live_server_factory):
    server = live_server_factory(create_app(xss_settings))
    r = httpx.get(f"{server.url}/meetings/xss-referat", params={"q": '<img src=x onerror="window.pwned=2">'})
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "<img src=x" not in r.text and "<b>Ole" not in r.text
    assert "&lt;script&gt;alert(&#x27;titel&#x27;)&lt;/script&gt;" in r.text
    assert "<mark>&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt;</mark>" in r.text


def test_highlight_helpers():
    text = "Første afsnit om IV-\nbehandling.\n\nAndet <b>afsnit</b>\nmed mere."
    a, b = text.index("om IV"), text.index("Andet")
    assert find_quote(text, "om IV-behandling … Andet <b>afsnit</b> med") == [(a, a + 17), (b, b + 23)]
    html = render_text(text, find_quote(text, "IV-behandling. … Andet <b>afsnit</b>"))
    assert html == ("<p>Første afsnit om <mark>IV-\nbehandling.</mark></p>\n"
                    "<p><mark>Andet &lt;b&gt;afsnit&lt;/b&gt;</mark>\nmed mere.</p>")
    assert find_quote(text, "… x …") == []  # tiny parts are not highlighted
    assert find_quote(text, "første AFSNIT") == [(0, 13)]  # case-insensitive only as a fallback
