"""Metamorphic tests: the samples, re-laid-out the way other exports would lay them out.

Each transformation changes only the layout (page breaks with running
headers and footers, double spacing, Windows line endings, another heading
style, indentation); the agenda, cluster and date must not change. This
guards the rules against fitting the five files' exact layouts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from rag.parse import parse_minutes
from rag.types import PAGE_BREAK
from tests.parse.conftest import norm

ROOT = Path(__file__).resolve().parents[2]
GOLD = json.loads((ROOT / "eval" / "meetings.json").read_text(encoding="utf-8"))


def _paged(text: str) -> str:
    """Form feeds every ~45 lines (at a blank line) with a running header and 'Side N af M'."""
    lines = text.split("\n")
    pages: list[list[str]] = [[]]
    for ln in lines:
        pages[-1].append(ln)
        if len(pages[-1]) >= 45 and not ln.strip():
            pages.append([])
    total = len(pages)
    out = []
    for n, page in enumerate(pages, start=1):
        header = [] if n == 1 else ["Referat – Sundhedssamarbejdet", ""]
        out.append("\n".join([*header, *page, "", f"Side {n} af {total}"]))
    return PAGE_BREAK.join(out)


def _double_spaced(text: str) -> str:
    return "\n".join(f"{ln}\n" for ln in text.split("\n"))


def _windows(text: str) -> str:
    return text.replace("\n", "\r\n").replace("  ", "\u00a0 ")


def _indented(text: str) -> str:
    return "\n".join(" " + ln if ln.strip() else ln for ln in text.split("\n"))


def _restyled(gold: dict) -> Callable[[str], str]:
    """Rewrite each item heading to "Punkt N: Title" (the eDoc style)."""

    def apply(text: str) -> str:
        lines = text.split("\n")
        for it in gold["items"]:
            i = it["line"] - 1
            lines[i] = re.sub(
                r"^\s*(?:AD\.?\s*)?(\d{1,2})\s*[.:]?\s*:?\s*", lambda m: f"Punkt {m.group(1)}: ", lines[i]
            )
        return "\n".join(lines)

    return apply


TRANSFORMS: dict[str, Callable[[dict], Callable[[str], str]]] = {
    "paged": lambda g: _paged,
    "windows": lambda g: _windows,
    "indented": lambda g: _indented,
    "punkt_headings": _restyled,
    "paged_punkt_headings": lambda g: lambda t: _paged(_restyled(g)(t)),
    "windows_indented_paged": lambda g: lambda t: _windows(_indented(_paged(t))),
    # Double-spacing an already double-spaced or web text would not be a realistic export.
    "double_spaced": lambda g: _double_spaced,
    "double_spaced_paged": lambda g: lambda t: _paged(_double_spaced(t)),
}
CASES = [
    (g, name)
    for g in GOLD
    for name in TRANSFORMS
    if not (name.startswith("double_spaced") and g["file"].startswith(("002", "003", "004")))
]


@pytest.mark.parametrize(("gold", "transform"), CASES, ids=[f"{g['file'][:3]}-{t}" for g, t in CASES])
def test_layout_changes_do_not_change_the_agenda(gold: dict, transform: str) -> None:
    text = (ROOT / "data" / "minutes" / gold["file"]).read_text(encoding="utf-8")
    m = parse_minutes(TRANSFORMS[transform](gold)(text), gold["file"])
    assert [(it.number, norm(it.title)) for it in m.items] == [
        (it["number"], norm(it["title"])) for it in gold["items"]
    ]
    assert (m.cluster, m.date) == (gold["cluster"], gold["date"])
    if "paged" in transform:
        assert all(it.pages for it in m.items)
        assert all("Sundhedssamarbejdet" not in it.text for it in m.items)
