"""Property: any text parses without crashing into uniquely numbered items."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.errors import ParseError
from rag.parse import format_outline, meeting_to_dict, parse_minutes

WORDS = [
    "Referat",
    "Dagsorden",
    "Beslutning:",
    "Indstilling",
    "Det indstilles,",
    "Sagsfremstilling",
    "Referat",
    "Konklusion:",
    "Bilag:",
    "klyngestyregruppen",
    "Randersklyngen",
    "RRA",
    "Midtklyngen",
    "Klynge Syd",
    "godkendt",
    "til",
    "efterretning",
    "og",
    "i",
    "ved",
    "v/Name",
    "(kl. 8.30-9.00)",
    "mandag",
    "den",
    "10.januar",
    "22.06.17",
    "27. januar 2023",
    "2022",
    "Deltagere:",
    "Afbud:",
    "I mødet deltog:",
    "Sted:",
    "Tid og sted:",
    "Side",
    "af",
    "•",
    "\uf0b7",
    "-",
    "æøå",
    "Ærø",
    "Sagnr.:",
    "1-00-3-23",
    "Tilbage til toppen",
    "mail@x.dk",
    "Mobil:",
    "+45 12 34 56 78",
    "IV-",
    "behandling",
    "\t",
    "#",
    "##",
    "PAUSE",
]
PREFIXES = [
    "",
    "",
    "",
    "1. ",
    "2. ",
    "3.",
    "10.",
    "AD. 4: ",
    "Ad punkt 2 ",
    "Punkt 3: ",
    "## 5. ",
    "7\t",
    "A. ",
    "11",
    " ",
    "  ",
    "Side 2 af 6",
    "Dagsordenspunkt 1: ",
]

line = st.builds(
    lambda p, ws: p + " ".join(ws),
    st.sampled_from(PREFIXES),
    st.lists(st.sampled_from(WORDS), max_size=12),
)
danishish = st.lists(st.one_of(line, st.just(""), st.just("\f")), max_size=80).map("\n".join)


def _check(text: str) -> None:
    try:
        m = parse_minutes(text, "random.txt")
    except ParseError:
        assert not re.search(r"[^\W\d_]{2}", text)
        return
    numbers = [it.number for it in m.items]
    assert len(numbers) == len(set(numbers))
    # "3", "O1" (a group numbered anew), "C" (lettered items), "2.1" (items under group headings)
    assert all(re.fullmatch(r"\d+|[A-Z]\d+|[A-Z]|\d+\.\d+", n) for n in numbers), numbers
    plain = [int(n) for n in numbers if n.isdigit()]
    assert plain == sorted(plain)
    assert all("\n" not in it.title for it in m.items)
    meeting_to_dict(m)
    format_outline(m)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(danishish)
def test_danishish_text_never_crashes(text: str) -> None:
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_crashes(text: str) -> None:
    _check(text)
