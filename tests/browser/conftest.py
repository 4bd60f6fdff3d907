"""Fixtures for the widget and source-page tests: a real Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.settings import Settings
from tests.conftest import ROOT, make_settings

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

XSS_MINUTES = """Referat fra Klyngestyregruppemøde 10.03.21 i Vestklyngen, Regionshospitalet Gødstrup.

Mødeleder: <b>Ole</b> Hansen

Dagsorden:

1. Godkendelse af dagsorden

2. Orientering om <script>alert('titel')</script> sprøjterum

1. Godkendelse af dagsorden

Beslutning:
Dagsordenen blev godkendt.

2. Orientering om <script>alert('titel')</script> sprøjterum

Sagsfremstilling:
Vestklyngen drøftede sprøjterum <img src=x onerror="alert('img')"> og <script>window.pwned=1</script> i kommunerne.

Beslutning:
Vestklyngen besluttede at etablere sprøjterum <img src=x onerror="window.pwned=2"> i Herning.
"""


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install chromium; `make test` installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser) -> Iterator:
    ctx = browser.new_context(viewport={"width": 1280, "height": 860}, locale="da-DK")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def xss_settings(tmp_path_factory) -> Settings:
    """A one-meeting index whose minutes carry <script> and <img onerror> in title and text."""
    from rag.pipeline import Pipeline

    tmp = tmp_path_factory.mktemp("xss")
    path = tmp / "xss_referat.txt"
    path.write_text(XSS_MINUTES, encoding="utf-8")
    settings = make_settings(tmp / "index")
    Pipeline(settings).ingest([path])
    return settings
