"""Extractive, decision-aware answers: quotes from the right agenda items, with citations.

Decision questions get, per relevant item and in date order, a label line
("27.01.2023 · Randersklyngen · punkt 3 «…»") and the decision text (its most
relevant sentences when long). Who/when/amount/fact questions get the
sentences that carry the asked kind of fact. Every quote is a sentence of the
cited item, verbatim up to whitespace (see ``rag.text``). Nothing relevant
enough -> a plain refusal.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rag.answer.select import Selected, select_items
from rag.chunk import format_date
from rag.lexical import analyze
from rag.query import Query
from rag.retrieve import Retrieval
from rag.text import is_heading, normalize_ws, sentences
from rag.types import HEADER, Answer, Citation, Meeting

REFUSAL = "Det fremgår ikke af referaterne."

_NUMBER = re.compile(r"\d")
_MONEY = re.compile(r"\bkr\b|\bkr\.|\bmio\b|\bmia\b|\d{1,3}(?:\.\d{3})+|\d+,\d+|\bkroner\b", re.I)
_MONEY_Q = re.compile(r"kost|pris|beløb|udgift|budget|\bkr\b|mio|midler|forbrug|penge|bevilling", re.I)
_WHEN = re.compile(
    r"\b\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}\b|\b(19|20)\d\d\b|\bjanuar|februar|marts|april|\bmaj\b|juni|juli|"
    r"august|september|oktober|november|december|mandag|tirsdag|onsdag|torsdag|fredag|\buge \d|\bkl\. ?\d",
    re.I,
)
_NAME = re.compile(r"\b[A-ZÆØÅ][a-zæøåé]+(?:\s+[A-ZÆØÅ][a-zæøåé]+)+\b")
_ROLE = re.compile(r"formand|direktør|chef|leder|referent|konsulent|sekretær|læge|repræsentant|medlem", re.I)

MAX_WORDS_PER_ITEM = 55


@dataclass(frozen=True)
class _Scored:
    index: int
    text: str
    score: float


def _label(sel: Selected) -> str:
    m = sel.meeting
    parts = [format_date(m.date), m.cluster or "ukendt klynge"]
    if sel.number == HEADER:
        parts.append("mødets forside og deltagerliste")
    else:
        parts.append(f"punkt {sel.number} «{sel.title}»")
    return " · ".join(parts)


def _feature(sentence: str, query: Query) -> float:
    intent = query.intent
    if intent == "amount":
        if _MONEY_Q.search(query.text):
            return 1.5 if _MONEY.search(sentence) else 0.0
        return 1.0 if _NUMBER.search(sentence) else 0.0
    if intent == "when":
        return 1.2 if _WHEN.search(sentence) else 0.0
    if intent == "who":
        return (1.0 if _NAME.search(sentence) else 0.0) + (0.4 if _ROLE.search(sentence) else 0.0)
    return 0.0


def _idf(terms: list[str], selected: list[Selected]) -> dict[str, float]:
    n = len(selected) + 1
    out = {}
    for t in terms:
        df = sum(1 for s in selected if t in s.terms)
        out[t] = 1.0 + math.log(n / (1 + df))
    return out


def _score_sentences(sel: Selected, query: Query, terms: list[str], idf: dict[str, float],
                     pool: list[str]) -> list[_Scored]:
    scored = []
    for i, sent in enumerate(pool):
        if is_heading(sent):
            continue
        have = set(analyze(sent))
        lexical = sum(idf.get(t, 1.0) for t in terms if t in have)
        feat = _feature(sent, query)
        scored.append(_Scored(i, sent, lexical + feat * (1.0 if lexical > 0 else 0.5)))
    return scored


def _pick(scored: list[_Scored], budget: int, min_score: float) -> list[_Scored]:
    chosen: list[_Scored] = []
    words = 0
    for s in sorted(scored, key=lambda s: -s.score):
        if s.score < min_score and chosen:
            break
        n = len(s.text.split())
        if chosen and words + n > budget:
            continue
        chosen.append(s)
        words += n
        if words >= budget:
            break
    return sorted(chosen, key=lambda s: s.index)


def _item_block(sel: Selected, query: Query, terms: list[str], idf: dict[str, float]) -> tuple[str, str]:
    """(answer text for the item, verbatim quote) — decision first for decision questions."""
    if query.intent == "decision" and sel.decision:
        pool = sentences(sel.decision)
        scored = _score_sentences(sel, query, terms, idf, pool)
        total = sum(len(s.text.split()) for s in scored)
        chosen = scored if total <= MAX_WORDS_PER_ITEM else _pick(scored, MAX_WORDS_PER_ITEM, 0.0)
        if chosen:
            quote = " … ".join(s.text for s in chosen)
            return f"Beslutning: «{quote}»", quote
    pool = sentences(sel.text)
    scored = _score_sentences(sel, query, terms, idf, pool)
    best = max((s.score for s in scored), default=0.0)
    chosen = _pick(scored, MAX_WORDS_PER_ITEM, best * 0.5)
    if not chosen:
        chosen = scored[:1]
    quote = " … ".join(s.text for s in chosen)
    return f"«{quote}»", quote


def _citation(sel: Selected, quote: str) -> Citation:
    m = sel.meeting
    return Citation(
        file=m.file, meeting_id=m.id, cluster=m.cluster, body=m.body, date=m.date,
        item=sel.number, title=sel.title, quote=quote,
    )


def refusal(reason: str | None = None) -> Answer:
    """A plain statement that the minutes do not answer the question."""
    text = REFUSAL if not reason else f"{REFUSAL[:-1]}: {reason}"
    return Answer(answer=text, refused=True, citations=())


def answer_extractive(query: Query, retrieval: Retrieval, meetings: dict[str, Meeting],
                      min_coverage: float) -> Answer:
    """Quote the decisions / supporting sentences of the relevant items, or refuse."""
    if retrieval.refusal:
        return refusal(retrieval.refusal)
    terms = list(retrieval.query_terms)
    selected, note = select_items(query, retrieval, meetings, min_coverage)
    if not selected:
        return refusal(note)
    idf = _idf(terms, selected)
    if query.intent == "decision" or len({s.meeting.id for s in selected}) > 1:
        selected = sorted(selected, key=lambda s: (s.meeting.date or "", s.order))
    lines: list[str] = []
    if note:
        lines.append(note)
    citations: list[Citation] = []
    for n, sel in enumerate(selected, start=1):
        body, quote = _item_block(sel, query, terms, idf)
        lines.append(f"{_label(sel)} [{n}]\n{body}")
        citations.append(_citation(sel, quote))
    return Answer(
        answer="\n\n".join(lines), refused=False, citations=tuple(citations),
        hits=retrieval.hits,
    )


def quote_is_verbatim(quote: str, item_text: str) -> bool:
    """Every ' … '-separated part of ``quote`` occurs in the item text (whitespace-normalised)."""
    text = normalize_ws(item_text)
    return all(part in text for part in quote.split(" … "))
