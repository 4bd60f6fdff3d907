"""Which retrieved agenda items are relevant enough to answer from.

The gate is coverage: the share of the question's content terms that the item
contains (``Hit.coverage``). An item enters the answer when it covers at least
``min_coverage`` and close to what the best item covers; a question whose best
item stays below the threshold is refused. ``min_coverage`` is calibrated on
the dev eval (see README, "Evaluation").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rag.chunk import header_text
from rag.lexical import analyze
from rag.query import Query
from rag.retrieve import Retrieval, is_asked_unit
from rag.types import HEADER, Hit, Meeting

DECIDED = re.compile(
    r"\bbeslut\w*|\bvedt[ao]g\w*|\bgodkend\w*|\baftal\w*|\benig\w*|\budsæt\w*|\btilslut\w*|"
    r"\bbakke\w* op|\bnedsætte\w*|\bopsige\w*|\btaget til efterretning|\bindkalde\w*|\bsættes på\b|"
    r"\barbejde\w* videre",
    re.I,
)

MAX_ITEMS = {"decision": 4, "fact": 3, "who": 3, "when": 3, "amount": 3, "where": 3}
RELATIVE_COVERAGE = 0.5
RELATIVE_SCORE = 0.3


@dataclass(frozen=True)
class Selected:
    """A relevant agenda item (or header unit) with its full text."""

    hit: Hit
    meeting: Meeting
    number: str
    title: str
    text: str
    decision: str | None
    order: int
    terms: frozenset[str]


def resolve(hit: Hit, meetings: Mapping[str, Meeting],
            terms_of: Callable[[str, str], frozenset[str]] | None = None) -> Selected | None:
    """The full agenda item behind a chunk hit."""
    m = meetings.get(hit.chunk.meeting_id)
    if m is None:
        return None
    if hit.chunk.item == HEADER:
        text, title, decision, order = header_text(m), "Mødets forside og deltagerliste", None, -1
    else:
        found = [(k, i) for k, i in enumerate(m.items) if i.number == hit.chunk.item]
        if not found:
            return None
        order, item = found[0]  # agenda order, also for "O1" after item 5
        text, title, decision = item.text, item.title, item.decision
    return Selected(
        hit=hit, meeting=m, number=hit.chunk.item, title=title, text=text, decision=decision,
        order=order,
        terms=terms_of(m.id, hit.chunk.item) if terms_of else frozenset(analyze(f"{title}\n{text}")),
    )


def select_items(
    query: Query, retrieval: Retrieval, meetings: Mapping[str, Meeting], min_coverage: float,
    dense_margin: float = 1.0,
) -> tuple[list[Selected], str | None]:
    """Relevant items, best first, or ([], reason) when nothing passes the gate."""
    hits = list(retrieval.hits)
    if not hits:
        return [], None
    has_terms = bool(retrieval.query_terms)
    if not has_terms and query.intent == "decision":
        return _listing(hits, meetings, retrieval.item_terms), None
    if query.entities:
        hits = [h for h in hits if _mentions(h, query, retrieval, meetings)]
        if not hits:
            names = ", ".join(query.entities)
            return [], f"Ingen af de fundne dagsordenspunkter nævner {names}."
    best_cov = max((h.coverage or 0.0) for h in hits)
    if has_terms and best_cov < min_coverage:
        return [], None
    floor = max(min_coverage, best_cov * RELATIVE_COVERAGE) if has_terms else 0.0
    top_score = max(h.score for h in hits)
    # "… i Klynge Nord og i Midtklyngen": each named cluster's best item sets its own dense bar.
    per_cluster = len(query.clusters) > 1
    top_dense: dict[str | None, float] = {}
    for h in hits:
        if h.dense_score is not None:
            c = h.chunk.cluster if per_cluster else None
            top_dense[c] = max(top_dense.get(c, h.dense_score), h.dense_score)
    keep: list[Selected] = []
    for h in hits:
        if (h.coverage or 0.0) < floor or h.score < RELATIVE_SCORE * top_score:
            continue
        asked = is_asked_unit(h.chunk, query)  # e.g. the front matter answers "who attended" as such
        bar = top_dense.get(h.chunk.cluster if per_cluster else None)
        if keep and bar is not None and not asked and (h.dense_score or 0.0) < bar - dense_margin:
            continue  # lexically close but about something else
        sel = resolve(h, meetings, retrieval.item_terms)
        if sel is not None and not any(_same_item(sel, k) for k in keep):
            keep.append(sel)
        if len(keep) >= MAX_ITEMS.get(query.intent, 3):
            break
    if query.intent != "who":
        # The front matter lists the agenda; an item of the same meeting says what it decided.
        # (It stays for who-questions: its participant lists answer them.)
        with_items = {s.meeting.id for s in keep if s.number != HEADER}
        keep = [s for s in keep if not (s.number == HEADER and s.meeting.id in with_items
                                        and not is_asked_unit(s.hit.chunk, query))]
    if query.prefer_recent and keep:
        # "the newest": of the items that answer, only the latest meeting's.
        latest = max(s.meeting.date or "" for s in keep)
        keep = [s for s in keep if (s.meeting.date or "") == latest]
    return keep, None


def _same_item(a: Selected, b: Selected) -> bool:
    """The same agenda item of the same meeting, from another file (minutes published as PDF and
    as a web page): it is cited once."""
    return (a.meeting.id != b.meeting.id and a.number == b.number and a.meeting.date == b.meeting.date
            and a.meeting.cluster == b.meeting.cluster and " ".join(a.title.split()) == " ".join(b.title.split()))


MAX_LISTED = 8  # a meeting's decided items: six cut a typical eight-item agenda short


def _listing(hits: list[Hit], meetings: Mapping[str, Meeting],
             terms_of: Callable[[str, str], frozenset[str]] | None) -> list[Selected]:
    """"Which decisions were made (at these meetings)?": the items of the scoped meetings
    that record a decision, in meeting and agenda order."""
    out: list[Selected] = []
    for h in hits:
        if h.chunk.item == HEADER:
            continue
        sel = resolve(h, meetings, terms_of)
        if sel is not None and (sel.decision or DECIDED.search(sel.text)) and not any(_same_item(sel, o) for o in out):
            out.append(sel)
    out.sort(key=lambda s: (s.meeting.date or "", s.order))
    return out[:MAX_LISTED]


def _has_term(term: str, have: frozenset[str]) -> bool:
    if term in have:
        return True
    # Compounds the vocabulary could not split: "influenzavaccinationskampagn" ~ "influenzavaccination".
    return len(term) >= 6 and any(len(h) >= 6 and (term.startswith(h) or h.startswith(term)) for h in have)


def _mentions(hit: Hit, query: Query, retrieval: Retrieval, meetings: Mapping[str, Meeting]) -> bool:
    """Does the item name every proper name of the question (in some spelling)?"""
    sel = resolve(hit, meetings, retrieval.item_terms)
    if sel is None:
        return False
    cluster = (sel.meeting.cluster or "").casefold()
    spelled = dict(query.abbreviations)
    for name in query.entities:
        if len(name) >= 3 and name.casefold() in cluster:
            continue  # the meeting's cluster names it: "Akutafdelingen i Midt" in Midtklyngen's minutes
        if not _names(name, sel, retrieval) and not (name in spelled and _names(spelled[name], sel, retrieval)):
            return False
    return True


def _names(name: str, sel: Selected, retrieval: Retrieval) -> bool:
    """The item holds the name (some spelling of it); "LSR" may be spelled out in the item."""
    terms = [t for t in retrieval.analyzer(name) if len(t) >= 3]
    return not terms or any(_has_term(t, sel.terms) for t in terms)
