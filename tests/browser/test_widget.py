"""The chat widget and the source pages in a real Chromium (Debian's), against a real server.

Screenshots go to tests/artifacts/ (gitignored) for a human look.
"""

from __future__ import annotations

import hashlib
import json
import re
import time

import httpx
import pytest
from playwright.sync_api import expect
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from api.app import create_app
from rag.pipeline import Pipeline
from tests.conftest import make_settings

pytestmark = pytest.mark.browser

Q = "Hvad besluttede Randersklyngen om IV-behandling?"
RANDERS_2017 = "000-027e0e0cb2de1631"
FOCUSED = """() => { const h = document.querySelector('referat-widget');
  const a = h && document.activeElement === h ? h.shadowRoot.activeElement : null;
  return a ? (a.id || a.className) : null; }"""


def watch(page) -> dict[str, list[str]]:
    """Collect dialogs (alert/confirm: an injected script ran), page errors and console errors."""
    seen: dict[str, list[str]] = {"dialogs": [], "errors": []}

    def on_dialog(d):
        seen["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    return seen


def ask(page, question: str) -> None:
    page.locator(".rw-input").fill(question)
    page.get_by_role("button", name="Send").click()


def test_ask_see_sources_then_answer_and_follow_a_citation(fake_settings, live_server_factory, page, artifacts):
    server = live_server_factory(create_app(fake_settings))
    seen = watch(page)
    page.goto(f"{server.url}/")
    launcher = page.get_by_role("button", name="Spørg referaterne")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("dialog", name="Spørg referaterne")).to_be_visible()
    assert page.evaluate(FOCUSED) == "rw-input"

    ask(page, Q)
    first_source = page.locator(".rw-sources-list li").first
    expect(first_source).to_have_text(
        "[1] 22.06.2017 · Randersklyngen · punkt 9 «Varsling af opsigelse af IV- aftale ved Lene Jensen»")
    expect(page.locator(".rw-answer")).to_contain_text("Randers Kommune opsiger IV- aftalen pr. 15.07.17")
    chips = page.locator(".rw-answer a.rw-chip")
    expect(chips.nth(1)).to_be_visible()
    assert chips.count() >= 2
    assert page.locator(".rw-answer").text_content().count("[") == 0  # every [n] became a chip
    page.screenshot(path=str(artifacts / "widget.png"))
    page.locator(".rw-body").evaluate("b => { b.scrollTop = b.scrollHeight; }")
    page.screenshot(path=str(artifacts / "widget-sources.png"))

    # "Ja" (thumbs up) posts the question and the answer's SHA-256 (the feedback route may not exist: ignored)
    posted = []
    page.route("**/api/feedback", lambda r: (posted.append(r.request.post_data), r.fulfill(status=204)))
    page.get_by_role("group", name="Var svaret nyttigt?").get_by_role("button", name="Ja").click()
    expect(page.locator(".rw-thanks")).to_have_text("Tak for din tilbagemelding.")
    answer = httpx.post(f"{server.url}/api/ask", json={"question": Q}, timeout=30).json()["answer"]
    expect(page.get_by_role("button", name="Ja", exact=True)).to_have_attribute("aria-pressed", "true")
    assert json.loads(posted[0]) == {"question": Q, "rating": "up",
                                     "answer_hash": hashlib.sha256(answer.encode()).hexdigest()}

    with page.context.expect_page() as opened:
        chips.first.click()
    source = opened.value
    source.wait_for_load_state()
    assert re.fullmatch(rf"{re.escape(server.url)}/meetings/{RANDERS_2017}\?q=.+#punkt-9", source.url)
    section = source.locator("section#punkt-9")
    expect(section.locator("mark").first).to_contain_text("Randers Kommune opsiger IV- aftalen")
    assert source.evaluate("document.querySelector(':target').id") == "punkt-9"
    source.screenshot(path=str(artifacts / "source-page.png"))
    assert seen == {"dialogs": [], "errors": []}


class SlowGenerator:
    """An LLM stand-in that streams a fixed, verifiable answer one word at a time."""

    id = "slow-test"

    def __init__(self, text: str, delay: float) -> None:
        self.text, self.delay = text, delay

    def generate(self, messages):
        return self.text

    def stream(self, messages):
        for word in self.text.split(" "):
            time.sleep(self.delay)
            yield word + " "


def test_sources_come_first_then_tokens_stream_then_chips(fake_settings, live_server_factory, page):
    gen = SlowGenerator("Randers Kommune opsiger IV-aftalen pr. 15.07.17 [1].", delay=0.3)
    server = live_server_factory(create_app(fake_settings, Pipeline(fake_settings, generator=gen)))
    page.goto(f"{server.url}/")
    page.get_by_role("button", name="Spørg referaterne").click()
    ask(page, Q)
    answer = page.locator(".rw-answer")
    expect(page.locator(".rw-sources-list li").first).to_contain_text("punkt 9")
    expect(answer).not_to_contain_text("15.07.17")  # sources are shown before the answer is written
    expect(answer).to_contain_text("Randers Kommune")  # streaming: part of the answer ...
    assert answer.locator("a.rw-chip").count() == 0  # ... before the verified one with its chips
    expect(answer.locator("a.rw-chip")).to_have_count(1)
    expect(answer).to_have_attribute("aria-live", "polite")
    assert answer.text_content().strip() == "Randers Kommune opsiger IV-aftalen pr. 15.07.17 1."


def test_keyboard_only(fake_settings, live_server_factory, page):
    server = live_server_factory(create_app(fake_settings))
    page.goto(f"{server.url}/")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) == "rw-launcher":
            break
    else:
        pytest.fail("Tab never reached the widget's button")
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED) == "rw-input"
    page.keyboard.type(Q)
    page.keyboard.press("Enter")
    expect(page.locator(".rw-answer a.rw-chip").nth(1)).to_be_visible()

    page.keyboard.press("Tab")  # Send
    assert page.evaluate(FOCUSED) == "rw-send"
    page.keyboard.press("Tab")  # first citation chip in the answer
    assert page.evaluate(FOCUSED) == "rw-chip"
    with page.context.expect_page() as opened:
        page.keyboard.press("Enter")
    source = opened.value
    source.wait_for_load_state()
    assert f"/meetings/{RANDERS_2017}?q=" in source.url and source.url.endswith("#punkt-9")

    page.bring_to_front()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Spørg referaterne")).to_be_hidden()
    assert page.evaluate(FOCUSED) == "rw-launcher"
    expect(page.get_by_role("button", name="Spørg referaterne")).to_have_attribute("aria-expanded", "false")


def test_narrow_screen_panel_takes_the_full_width(fake_settings, live_server_factory, browser, artifacts):
    server = live_server_factory(create_app(fake_settings))
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True,
                              has_touch=True)
    try:
        page = ctx.new_page()
        page.goto(f"{server.url}/")
        page.get_by_role("button", name="Spørg referaterne").click()
        ask(page, Q)
        expect(page.locator(".rw-answer a.rw-chip").first).to_be_visible()
        box = page.locator("#rw-panel").bounding_box()
        assert box is not None and box["x"] == 0 and box["width"] == 375
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=str(artifacts / "widget-narrow.png"))

        ask(page, "Hvad besluttede Aarhusklyngen om IV-behandling?")  # refused: plain text, no sources
        answer = page.locator(".rw-answer")
        expect(answer).to_have_class(re.compile(r"\brw-refused\b"))
        expect(answer).to_contain_text("Aarhusklyngen")
        assert answer.locator("a").count() == 0
        expect(page.locator(".rw-sources")).to_be_hidden()
    finally:
        ctx.close()


def test_html_in_minutes_never_runs(xss_settings, live_server_factory, page, artifacts):
    server = live_server_factory(create_app(xss_settings))
    seen = watch(page)
    page.goto(f"{server.url}/meetings/xss-referat?q=" + "window.pwned%3D2")
    item = page.locator("section#punkt-2")
    expect(item.locator("h2")).to_have_text("Punkt 2. Orientering om <script>alert('titel')</script> sprøjterum")
    expect(item).to_contain_text('<img src=x onerror="alert(\'img\')"> og <script>window.pwned=1</script>')
    expect(item.locator("mark")).to_have_text("window.pwned=2")
    assert page.locator("main img, main script, main b").count() == 0
    page.screenshot(path=str(artifacts / "source-page-xss.png"), full_page=True)

    page.goto(f"{server.url}/")
    page.get_by_role("button", name="Spørg referaterne").click()
    ask(page, "Hvad besluttede Vestklyngen om sprøjterum?")
    answer = page.locator(".rw-answer")
    expect(answer.locator("a.rw-chip").first).to_be_visible()
    expect(answer).to_contain_text('sprøjterum <img src=x onerror="window.pwned=2"> i Herning')
    expect(page.locator(".rw-sources-list")).to_contain_text("<script>alert('titel')</script>")
    assert page.locator("referat-widget img, referat-widget script").count() == 0
    assert page.evaluate("window.pwned") is None
    assert seen == {"dialogs": [], "errors": []}


def test_error_states_in_danish(tmp_path, live_server_factory, page):
    server = live_server_factory(create_app(make_settings(tmp_path / "empty")))
    page.goto(f"{server.url}/")
    page.get_by_role("button", name="Spørg referaterne").click()
    error = page.get_by_role("alert")

    ask(page, Q)  # no index: the server's 503 detail
    expect(error).to_contain_text("Der er endnu ikke bygget et indeks over referaterne.")

    ask(page, "x" * 2001)  # too long: the server's 422 detail
    expect(error).to_contain_text("Spørgsmålet er for langt")

    page.route("**/api/ask/stream", lambda r: r.fulfill(
        status=429, headers={"Retry-After": "30"}, json={"detail": "Too many"}))
    ask(page, Q)
    expect(error).to_have_text("For mange spørgsmål på kort tid. Prøv igen om 30 sekunder.")

    page.unroute("**/api/ask/stream")
    page.route("**/api/ask/stream", lambda r: r.abort("connectionrefused"))
    ask(page, Q)
    expect(error).to_have_text("Tjenesten svarer ikke lige nu. Prøv igen senere.")


HOSTILE_PAGE = """<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Anden side</title>
<style>button, a, li, p, ol, input { display: none !important; }
* { font-size: 40px !important; text-transform: uppercase !important; color: red !important; }</style></head>
<body><p>En helt anden intranetside.</p>
<script src="{api}/static/widget.js" data-api="{api}" data-api-key="intranet-read" defer></script></body></html>"""


def test_embedded_on_another_origin_with_a_key_and_hostile_css(fake_settings, live_server_factory, page):
    api: dict[str, str] = {}
    # Another origin on loopback (a router-fulfilled page would count as public: Chromium's
    # local-network-access rules then refuse the script from 127.0.0.1).
    host = live_server_factory(Starlette(routes=[Route("/side.html", lambda _: HTMLResponse(
        HOSTILE_PAGE.replace("{api}", api["url"])))]))
    settings = make_settings(fake_settings.index.dir, api={"cors_origins": [host.url]}, access={
        "keys": {"intranet-read": {"name": "intranet"}}, "ask_requires_key": True})
    server = live_server_factory(create_app(settings))
    api["url"] = server.url
    page.goto(f"{host.url}/side.html")
    launcher = page.get_by_role("button", name="Spørg referaterne")
    expect(launcher).to_be_visible()
    style = launcher.evaluate("b => { const s = getComputedStyle(b); return [s.fontSize, s.textTransform]; }")
    assert style == ["15px", "none"]
    launcher.click()
    ask(page, Q)  # needs the key: 401 without it
    expect(page.locator(".rw-answer a.rw-chip").first).to_be_visible()
    href = page.locator(".rw-answer a.rw-chip").first.get_attribute("href")
    assert href.startswith(f"{server.url}/meetings/{RANDERS_2017}?q=")
