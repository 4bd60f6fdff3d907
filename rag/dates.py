"""Danish date vocabulary and date expressions shared by the question parser and chunker."""

from __future__ import annotations

import re
from datetime import date

DANISH_MONTHS = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]

# Month word or abbreviation -> month number ("sept.", "okt", "juni").
MONTHS: dict[str, int] = {}
for _i, _name in enumerate(DANISH_MONTHS, start=1):
    MONTHS[_name] = _i
    MONTHS[_name[:3]] = _i
MONTHS["sept"] = 9
# English month names, in bilingual minutes ("Dato / Date: 23 January 2020").
for _i, _name in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                            "september", "october", "november", "december"], start=1):
    MONTHS.setdefault(_name, _i)

MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

# "22.06.17", "22.06.2017", "22/6-2017", "22-06-2017"
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b")
# "27. januar 2023", "10.januar 2022", "9. nov. 2017"
WORD_DATE = re.compile(rf"\b(\d{{1,2}})\.?\s*({MONTH_RE})\.?\s+(\d{{4}})\b", re.IGNORECASE)


def expand_year(y: str) -> int:
    """Two-digit years are 20xx below 70 and 19xx above ('17' -> 2017)."""
    n = int(y)
    if len(y) == 2:
        return 2000 + n if n < 70 else 1900 + n
    return n


def safe_date(y: int, m: int, d: int) -> date | None:
    """A date, or None when the numbers do not form one."""
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[date, int, int]]:
    """All full dates (with a year) in ``text`` as (date, start, end), in order."""
    found: list[tuple[date, int, int]] = []
    for m in NUMERIC_DATE.finditer(text):
        d = safe_date(expand_year(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            found.append((d, m.start(), m.end()))
    for m in WORD_DATE.finditer(text):
        d = safe_date(int(m.group(3)), MONTHS[m.group(2).lower().rstrip(".")], int(m.group(1)))
        if d:
            found.append((d, m.start(), m.end()))
    return sorted(found, key=lambda t: t[1])


def date_forms(d: date) -> list[str]:
    """Ways minutes print a date, lower-cased, for 'does this text mention D' checks."""
    month = DANISH_MONTHS[d.month - 1]
    return [
        f"{d.day}. {month} {d.year}",
        f"{d.day}.{month} {d.year}",
        f"{d.day:02d}.{d.month:02d}.{d.year}",
        f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
        f"{d.day}.{d.month}.{d.year}",
        f"{d.day}/{d.month} {d.year}",
        f"{d.day}/{d.month}-{d.year}",
    ]
