"""The meeting date: which of the many dates in minutes is the day of the meeting.

Minutes mention deadlines, earlier and next meetings, political meetings and
the date the document was written. The meeting date is the one in the title,
in a meeting-time field ("Tidspunkt:", "Mødedato:", "Tid og sted:") or near
the top of the header; a plain "Dato:" in a letterhead is the document date
and is used only when nothing better exists (with a warning). Dates without a
year ("Mandag den 10.januar") take the year from the header ("Møde 1, 2022"),
checked against the weekday, else from the years the text mentions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from rag.dates import MONTH_RE, MONTHS, expand_year, safe_date
from rag.parse import patterns as P

_ISO = re.compile(r"(?<![\d.])((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?![\d.])")
_NUMERIC = re.compile(r"(?<![\d.,/-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d:/-]|\.\d)")
_SLASH_YEAR = re.compile(r"(?<![\d./])(\d{1,2})/(\d{1,2})[\s-](\d{4})(?!\d)")
_WORD = re.compile(
    rf"(?<![\d.])(\d{{1,2}})\.?\s*({MONTH_RE})\b\.?(?:,?\s+((?:19|20)\d{{2}}))?", re.IGNORECASE
)
_WEEKDAY = re.compile(rf"\b({P.WEEKDAY_RE})\b", re.IGNORECASE)
_TIME = re.compile(r"\bkl\.?\s*\d{1,2}(?:[.:]\d{2})?", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d.,/-])((?:19|20)\d{2})(?![\d])")
_OTHER_MEETING = re.compile(
    r"\b(?:næste|seneste|sidste|forrige|kommende|politisk\w*|frist\w*|senest|godkendt\w*|udsendt|pr\.|"
    r"siden|indtil|inden|deadline|udskrevet|revideret|opdateret|besluttede|tiltræder|sendt)\b",
    re.IGNORECASE,
)
_MEETING_CONTEXT = re.compile(
    rf"(?:\bdagens\s+møde|\bmødet\s+(?:blev\s+)?(?:afholdt\s+|holdt\s+)?(?:(?:{P.WEEKDAY_RE})\s+)?(?:den|d\.)|"
    r"\bmødedato)\s*$",
    re.IGNORECASE,
)

# A letter's dateline, "Horsens, den 23. januar 2025": when the letter was written, not the meeting.
_DATELINE = re.compile(r"^\s*[A-ZÆØÅ][\wæøå.-]+(?:\s[A-ZÆØÅ][\wæøå.-]+)?,\s*(?:den\s+|d\.\s*)?$")
_DIGIT = re.compile(r"\d")

SOURCE_WEIGHT = {
    "title": 6.0,
    "time_label": 6.0,
    "date_label": 3.0,
    "header": 2.5,
    "letterhead": 1.0,
    "body": 0.5,
}


@dataclass
class DateHit:
    day: int
    month: int
    year: int | None
    weekday: int | None
    source: str
    score: float
    order: int
    context: bool = False  # "mødet den <date>": the text itself says this is the meeting's date
    other: bool = False  # "Udsendt: <date>", "næste møde <date>": the text says it is another date


@dataclass
class DateLine:
    """A line to search, where it came from ("title", "time_label", ...) and its rank."""

    text: str
    source: str


def _hits_in(text: str, source: str, order: int, rank_bonus: float) -> list[DateHit]:
    hits: list[DateHit] = []
    if not _DIGIT.search(text):
        return hits
    wd = _WEEKDAY.search(text)
    weekday = P.WEEKDAYS.index(wd.group(1).lower()) if wd else None
    spans: list[tuple[int, int, int, int | None]] = []
    for m in _ISO.finditer(text):
        spans.append((m.start(), int(m.group(3)), int(m.group(2)), int(m.group(1))))
    for m in _NUMERIC.finditer(text):
        spans.append((m.start(), int(m.group(1)), int(m.group(3)), expand_year(m.group(4))))
    for m in _SLASH_YEAR.finditer(text):
        spans.append((m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _WORD.finditer(text):
        month = MONTHS.get(m.group(2).lower().rstrip("."))
        if month:
            spans.append((m.start(), int(m.group(1)), month, int(m.group(3)) if m.group(3) else None))
    for start, day, month, year in spans:
        if not (1 <= day <= 31 and 1 <= month <= 12) or (year is not None and not 1990 <= year <= 2100):
            continue
        if year is not None and safe_date(year, month, day) is None:
            continue
        if year is None and source in ("body", "letterhead"):
            continue
        score = SOURCE_WEIGHT[source] + rank_bonus
        if weekday is not None:
            score += 1.0
        if _TIME.search(text):
            score += 1.0
        other = bool(_OTHER_MEETING.search(text[:start]) or _DATELINE.match(text[:start]))
        if other:
            score -= 3.0
        context = bool(_MEETING_CONTEXT.search(text[:start])) and not _OTHER_MEETING.search(text[:start])
        if year is None:
            score -= 0.5
        hits.append(DateHit(day, month, year, weekday, source, score, order, context, other))
    return hits


def _infer_year(hit: DateHit, header_years: Counter[int], doc_years: Counter[int]) -> tuple[int | None, str]:
    """A year for a year-less date, preferring header years that fit the printed weekday."""
    pool = [y for y, _ in header_years.most_common()] + [y for y, _ in doc_years.most_common(5)]
    pool = list(dict.fromkeys(pool))
    if hit.weekday is not None:
        for y in pool + [y + d for y in pool for d in (-1, 1)]:
            d = safe_date(y, hit.month, hit.day)
            if d and d.weekday() == hit.weekday:
                return y, ""
        if pool:
            return pool[0], "weekday does not match the inferred year"
    if pool:
        return pool[0], ""
    return None, ""


def find_meeting_date(lines: list[DateLine]) -> tuple[str | None, list[str]]:
    """ISO meeting date and warnings from lines tagged with their source."""
    hits: list[DateHit] = []
    header_years: Counter[int] = Counter()
    doc_years: Counter[int] = Counter()
    header_total = max(1, sum(1 for dl in lines if dl.source == "header"))
    header_rank = 0
    for order, dl in enumerate(lines):
        bonus = 0.0
        if dl.source == "header":
            bonus = 1.0 - header_rank / header_total
            header_rank += 1
        hits.extend(_hits_in(dl.text, dl.source, order, bonus))
        years = [int(y) for y in _YEAR.findall(dl.text)]
        doc_years.update(years)
        if dl.source in ("title", "time_label", "header", "date_label") and not _OTHER_MEETING.search(
            dl.text
        ):
            header_years.update(years)
    for h in hits:
        if h.year is not None and h.source != "letterhead":
            doc_years[h.year] += 1
    warnings: list[str] = []
    top = [h for h in hits if h.source in ("title", "time_label", "date_label", "header") and h.score > 1.5]
    meeting = [h for h in top if not h.other]
    if not meeting:
        # "Udsendt: 15.10.2024" at the top, "Mødet blev afholdt tirsdag den 8. oktober 2024" at the end.
        meeting = [h for h in hits if h.source == "body" and h.context and h.year is not None]
        if meeting:
            warnings.append("meeting date taken from the body text")
    if not meeting:
        meeting = top
    if not meeting:
        meeting = [h for h in hits if h.source == "letterhead"]
        if meeting:
            warnings.append("only a document date (letterhead 'Dato:') was found; used as meeting date")
    if not meeting:
        return None, ["no meeting date found"]
    best = max(meeting, key=lambda h: (h.score, -h.order))
    year = best.year
    if year is None:
        year, problem = _infer_year(best, header_years, doc_years)
        if year is None:
            return None, ["meeting date has no year and none could be inferred"]
        warnings.append(f"year {year} inferred for a date printed without year")
        if problem:
            warnings.append(problem)
    d = safe_date(year, best.month, best.day)
    if d is None:
        return None, ["meeting date is not a valid date"]
    if best.weekday is not None and best.year is not None and d.weekday() != best.weekday:
        warnings.append("printed weekday does not match the meeting date")
    return date.isoformat(d), warnings


def date_from_name(name: str) -> str | None:
    """A full date in a file name ("Referat 22.06.17.pdf", "2021-05-12_ksg.docx"), as ISO."""
    stem = re.sub(r"[_]+", " ", name)
    hits = _hits_in(stem, "title", 0, 0.0)
    full = [h for h in hits if h.year is not None]
    if not full:
        return None
    d = safe_date(full[0].year, full[0].month, full[0].day)  # type: ignore[arg-type]
    return d.isoformat() if d else None
