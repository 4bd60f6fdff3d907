"""Shared helpers for the parser tests."""

from __future__ import annotations

import re
import textwrap

from rag.parse import parse_minutes
from rag.types import AgendaItem, Meeting


def norm(s: str | None) -> str:
    """Whitespace-normalised text for comparing titles as printed."""
    return re.sub(r"\s+", " ", s or "").strip()


def parse(text: str, source: str = "fixture.txt") -> Meeting:
    """Parse an inline fixture (dedented, so fixtures can be indented in the test file)."""
    return parse_minutes(textwrap.dedent(text).lstrip("\n"), source)


def outline(m: Meeting) -> list[tuple[str, str]]:
    return [(it.number, norm(it.title)) for it in m.items]


def item(m: Meeting, number: str) -> AgendaItem:
    return next(it for it in m.items if it.number == number)
