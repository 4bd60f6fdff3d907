"""Property tests: the parser, the query reader and the sentence splitter on arbitrary Danish-ish text.

Inputs mix minutes vocabulary ("Punkt 3", "Beslutning:", "AD. 2:", dates, æøå) with random
line breaks, form feeds, tabs, bullets and stray unicode, which is what PDF/DOCX extraction
produces. Examples are bounded so the suite stays fast on a shared 2-core machine.
"""

from __future__ import annotations

import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.errors import ParseError
from rag.parse import parse_minutes
from rag.query import parse_query
from rag.settings import DEFAULT_CLUSTER_ALIASES
from rag.text import normalize_ws, sentences

WORDS = [
    "Beslutning:", "Indstilling:", "Sagsfremstilling:", "Drøftelse:", "Dagsorden:", "Referat", "Deltagere:",
    "Punkt", "punkt", "AD.", "Ad", "pkt.", "Evt.", "Næste", "møde", "klyngestyregruppen", "Randersklyngen",
    "Vestklyngen", "Klynge Syd", "Aarhus", "Region", "Midtjylland", "æble", "øre", "år", "Ærø", "Østjylland",
    "ÅBEN", "godkendt", "besluttede", "kr.", "mio.", "ca.", "kl.", "jan.", "marts", "december", "i", "og",
    "på", "om", "2017", "2019", "22.06.17", "1.", "2.", "10)", "a)", "•", "-", "–", "o", ":", ";", ".", "?",
    "siden", "før", "efter", "mellem", "sidste", "seneste", "første", "halvår", "kvartal", "uge", "32",
]
SEPARATORS = [" ", " ", " ", "\n", "\n\n", "\f", "\t", "\r\n", "  ", "\u00a0", "\n   "]


@st.composite
def minutes_like(draw: st.DrawFn) -> str:
    """Words, numbers, agenda-like lines and random whitespace, occasionally with arbitrary unicode."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 120))):
        kind = draw(st.integers(0, 9))
        if kind <= 5:
            parts.append(draw(st.sampled_from(WORDS)))
        elif kind == 6:
            parts.append(f"{draw(st.sampled_from(['Punkt', 'AD.', 'Pkt.', '']))} {draw(st.integers(0, 120))}"
                         f"{draw(st.sampled_from(['.', ':', ')', '', '. ']))}")
        elif kind == 7:
            d, m, y = draw(st.integers(0, 40)), draw(st.integers(0, 14)), draw(st.integers(0, 2100))
            parts.append(draw(st.sampled_from([f"{d}.{m}.{y}", f"{d}/{m}-{y}", f"{y}-{m:02d}-{d:02d}",
                                               f"den {d}. marts {y}", f"i {y}", f"{d}.{m}"])))
        elif kind == 8:
            parts.append(draw(st.text(min_size=1, max_size=12)))
        else:
            parts.append(draw(st.text(alphabet="æøåÆØÅabcdefghijklmnoprstuvy ", min_size=1, max_size=20)))
        parts.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(parts)


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(minutes_like())
def test_parse_minutes_raises_only_parse_error_and_numbers_items_uniquely(text):
    try:
        meeting = parse_minutes(text, "random.txt")
    except ParseError:
        return
    numbers = [item.number for item in meeting.items]
    assert len(numbers) == len(set(numbers)), numbers
    assert all(number.strip() for number in numbers)
    if meeting.date is not None:
        assert _valid_iso(meeting.date), meeting.date


def _valid_iso(value: str) -> bool:
    """``YYYY``, ``YYYY-MM`` or a real calendar date ``YYYY-MM-DD``."""
    if re.fullmatch(r"\d{4}", value):
        return True
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return 1 <= int(value[5:]) <= 12
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def _as_date(value: str, upper: bool) -> date:
    """A ``YYYY[-MM[-DD]]`` bound as the first (or last) day it covers."""
    if len(value) == 10:
        return date.fromisoformat(value)
    year = int(value[:4])
    month = int(value[5:7]) if len(value) == 7 else (12 if upper else 1)
    if not upper:
        return date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


QUESTION_WORDS = [
    "Hvad", "besluttede", "Hvornår", "Hvem", "deltog", "i", "2017", "2018", "2019", "første", "sidste", "halvår",
    "efter", "før", "siden", "mellem", "og", "fra", "til", "marts", "december", "Randersklyngen", "RRA",
    "klyngen i Aarhus", "seneste", "møde", "den", "22.06.17", "1.", "31.", "2.", "februar", "3. kvartal",
    "punkt", "4", "Vestklyngen", "Nordklyngen", "?", "-", "år", "i år", "sidste år", "uge", "29.02.2019",
    "30.02.17", "00.13.2020",
]


@FAST
@given(st.one_of(
    st.lists(st.sampled_from(QUESTION_WORDS), max_size=25).map(" ".join),
    st.text(max_size=200),
    minutes_like(),
))
def test_parse_query_never_raises_and_returns_valid_ordered_dates(text):
    q = parse_query(text, DEFAULT_CLUSTER_ALIASES)
    for value in (q.date_from, q.date_to, *q.dates):
        if value is not None:
            assert _valid_iso(value), (text, value)
    if q.date_from is not None and q.date_to is not None:
        assert _as_date(q.date_from, upper=False) <= _as_date(q.date_to, upper=True), (text, q)
    assert set(q.clusters) <= set(DEFAULT_CLUSTER_ALIASES)


@FAST
@given(st.one_of(minutes_like(), st.text(max_size=300)))
def test_sentences_are_verbatim_parts_of_the_normalised_text(text):
    whole = normalize_ws(text)
    for part in sentences(text):
        assert part, "no empty sentences"
        assert part == normalize_ws(part)
        assert part in whole, (part, whole)
