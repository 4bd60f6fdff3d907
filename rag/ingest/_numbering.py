"""Word's automatic list numbering, which python-docx does not render.

Agenda items are often numbered by Word ("1.", "2.", ...) rather than typed, so
without this the numbers the parser keys on would be lost. Deliberately simple:

- one set of counters per ``numId`` (Word can share counters between ``w:num``
  instances of one abstract list; we do not);
- starting a level resets the deeper levels; ``lvlRestart``, legal numbering
  and ``w:suff`` are ignored;
- ``lvlText`` placeholders (``%1.%2.``) are filled in; decimal, zero-padded,
  letters and roman numerals are rendered, other formats fall back to decimal;
- bullets render as ``"- "`` so they are never mistaken for numbered items.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PLACEHOLDER = re.compile(r"%([1-9])")
_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


@dataclass(frozen=True)
class Level:
    """One level of a list definition: format, label template and start value."""

    fmt: str
    text: str
    start: int


def _val(element: Any, tag: str, default: str | None = None) -> str | None:
    """The ``w:val`` of child ``w:<tag>``, or ``default``."""
    child = element.find(W + tag) if element is not None else None
    if child is None:
        return default
    return child.get(W + "val", default)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _levels(container: Any) -> dict[int, Level]:
    levels: dict[int, Level] = {}
    for lvl in container.iter(W + "lvl"):
        ilvl = _int(lvl.get(W + "ilvl"), 0)
        levels[ilvl] = Level(
            fmt=_val(lvl, "numFmt", "decimal") or "decimal",
            text=_val(lvl, "lvlText", "") or "",
            start=_int(_val(lvl, "start"), 1),
        )
    return levels


def format_number(value: int, fmt: str) -> str:
    """Render a counter in a Word number format (decimal, letters, roman)."""
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        # Word repeats the letter after z: aa, bb, ...
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        roman = ""
        for number, numeral in _ROMAN:
            count, value = divmod(value, number)
            roman += numeral * count
        return roman.upper() if fmt == "upperRoman" else roman
    return str(value)


class ListNumbering:
    """Counts numbered paragraphs per numId/ilvl and returns their labels ("3. ")."""

    def __init__(self, numbering: Any | None) -> None:
        self._lists: dict[str, dict[int, Level]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            self._read(numbering)

    def _read(self, numbering: Any) -> None:
        abstracts: dict[str, Any] = {}
        by_style_link: dict[str, str] = {}
        for abstract in numbering.iter(W + "abstractNum"):
            abstract_id = abstract.get(W + "abstractNumId", "")
            abstracts[abstract_id] = abstract
            link = _val(abstract, "styleLink")
            if link:
                by_style_link[link] = abstract_id
        for num in numbering.iter(W + "num"):
            abstract = abstracts.get(_val(num, "abstractNumId") or "")
            if abstract is None:
                continue
            # A list style ("1 / 1.1 / 1.11") keeps its levels in the abstract list it links to.
            linked = abstracts.get(by_style_link.get(_val(abstract, "numStyleLink") or "", ""))
            levels = _levels(linked if linked is not None else abstract)
            for override in num.iter(W + "lvlOverride"):
                ilvl = _int(override.get(W + "ilvl"), 0)
                levels.update(_levels(override))
                start = _val(override, "startOverride")
                if start is not None and ilvl in levels:
                    level = levels[ilvl]
                    levels[ilvl] = Level(level.fmt, level.text, _int(start, level.start))
            self._lists[num.get(W + "numId", "")] = levels

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of (num_id, ilvl) and return the label with a trailing space."""
        levels = self._lists.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self._counters.setdefault(num_id, {})
        level = levels[ilvl]
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [key for key in counters if key > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            return "- "
        if level.fmt == "none":
            return ""

        def fill(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            other = levels.get(index, level)
            return format_number(counters.get(index, other.start), other.fmt)

        label = _PLACEHOLDER.sub(fill, level.text).strip()
        return f"{label} " if label else ""
