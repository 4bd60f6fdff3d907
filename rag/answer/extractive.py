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
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rag.answer.select import DECIDED, Selected, select_items
from rag.cache import LRU
from rag.chunk import format_date, header_text, item_label
from rag.dates import MONTH_RE, NUMERIC_DATE
from rag.lexical import analyze
from rag.query import Query
from rag.retrieve import Retrieval
from rag.text import NUMBER_WORDS, is_heading, normalize_ws, sentences
from rag.types import HEADER, Answer, Citation, Meeting

REFUSAL = "Det fremgår ikke af referaterne."

_NUMBER = re.compile(r"\d")
_MONEY = re.compile(r"\bkr\b|\bkr\.|\bmio\b|\bmia\b|\d{1,3}(?:\.\d{3})+|\d+,\d+|\bkroner\b", re.I)
_MONEY_Q = re.compile(r"kost|pris|beløb|udgift|budget|\bkr\b|mio|midler|forbrug|penge|bevilling", re.I)
_WHEN = re.compile(
    r"\b\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}\b|\b(19|20)\d\d\b|\bjanuar|februar|marts|april|\bmaj\b|juni|juli|"
    r"august|september|oktober|november|december|mandag|tirsdag|onsdag|torsdag|fredag|\buge \d|\bkl\. ?\d|"
    r"\b(sidste|næste|forrige|seneste|kommende) (\w*møde|år|måned)|\bforår|\befterår|\bsommer|\bvinter|\bprimo\b|"
    r"\bultimo\b|\bmedio\b|\btidligere\b",
    re.I,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUMBER_WORD = re.compile(rf"\b(?:{'|'.join(NUMBER_WORDS)})\b", re.IGNORECASE)
_DATE = rf"{NUMERIC_DATE.pattern}|\b\d{{1,2}}\.\s*(?:{MONTH_RE})\b"  # "22.06.17", "10.januar", "27. januar"
_DATE_RE = re.compile(_DATE, re.IGNORECASE)
_DATES_AND_YEARS = re.compile(rf"{_DATE}|\b(?:19|20)\d\d\b|\bkl\.?\s?\d{{1,2}}(?:[.:]\d\d)?", re.IGNORECASE)
_NAME = re.compile(r"\b[A-ZÆØÅ][a-zæøåé]+(?:\s+[A-ZÆØÅ][a-zæøåé]+)+\b")
_ORG_WORDS = {
    "fokusgruppen", "fokusgruppe", "sundhed", "sundhedsstyregruppen", "klyngestyregruppen", "region",
    "regionshospitalet", "hospitalsenhed", "hospitalsenheden", "kommune", "steno", "danske",
    "sundhedsstyrelsen", "psykiatrien", "almen", "klynge", "aarhus", "aalborg", "center",
}
# Initials as minutes sign them: "Godkendt af SA og LKL", "Således opfattet IKA", "v/ TBK".
_INITIALS = re.compile(r"(?:\baf|\bv/|\bopfattet|\bog)\s+[A-ZÆØÅ]{2,4}\b")
# A sentence that states what the meeting decided or agreed: in a relevant item it is the
# answer to "hvad blev besluttet", whatever words it shares with the question.
_RESOLVED = re.compile(
    r"\b(?:det|der|dette|punktet|indstillingen|orienteringen|forslaget|aftalen|sagen) blev (?:\w+ )?"
    r"(?:besluttet|vedtaget|aftalt|godkendt|taget til efterretning|udsat|tiltrådt|nedsat)|"
    r"\b(?:enig(?:e|hed)?|enedes) om\b|\bbesluttede\b|\bvedtog\b|\bgodkendte\b|\btiltrådte\b|"
    r"\b(?:tog|tager) \w+(?: \w+){0,3} til efterretning|\bbakkede op\b|\btilsluttede sig\b|"
    r"\b(?:udsættes|nedsættes|godkendes|besluttes|vedtages)\b|\bsikrer opfølgning\b|\bfølger op\b",
    re.I,
)
# A meeting role a who-question asks for by name ("Hvem var mødeleder?").
_ASKED_ROLE = re.compile(
    r"\b(mødeleder|ordstyrer|referent|næstformand|formand|sekretær|tovholder|dirigent)(?:en|e|er|erne|ne)?\b", re.I)
# A role or profession answers "who" as well as a name: "afdelingssygeplejersken", "socialrådgiverne".
_ROLE = re.compile(
    r"formand|direktør|chef|leder|referent|konsulent|sekretær|læge|repræsentant|medlem|"
    r"sygeplejer|rådgiver|terapeut|jordemoder|visitator|koordinator|sagsbehandler",
    re.I,
)

# Quote budget in words per item, by number of items in the answer: short answers
# (median ≤ 80 words) that still carry the decision and the asked facts.
BUDGET = {1: 130, 2: 75, 3: 55}
MIN_BUDGET = 45
WINDOW = 2  # sentences that follow a chosen one
MIN_SHARE = 0.4  # a supporting sentence scores at least this share of the best one
NUMBER_BONUS = 0.5  # figures, dates and amounts are what readers come for
TOP_SHARE = 1.2  # the best-ranked item gets more of the per-item budget: it is usually the answer
OTHER_SHARE = 0.6
SHORT_DECISION = 60  # a decision this short is always quoted
DECISION_SHARE = 0.6  # ... and so is one that fits in this share of the item's budget
MIN_SUPPORT_WORDS = 20
RESOLVED_BONUS = 2.5  # a decision statement, in answers to "what was decided"
RESOLVED_OTHER = 1.0  # ... in fact/where answers (amount/when/who weigh their own kind of fact)
YEAR_WEIGHT = 0.3  # a year of the question, in a sentence
CHUNK_BONUS = 0.6  # a sentence in the item's best-matching chunk
PART_WEIGHT = 0.7  # a question term found inside a longer word of the sentence
MIN_PART = 4
LIST_EXTRA = 50  # words a list may run over the budget: its entries are the answer
KIN_EXTRA = 30  # ... and figures or dates stated beside a chosen one
ENTRY_EXTRA = 25  # ... when one of its entries was chosen (the intro was a bare heading or not chosen)
HEADER_CACHE_SIZE = 4096  # meetings whose header date lines are kept (LRU)
_LIST_ENTRY = re.compile(r"^(?:[-–•▪◦·*\uf0b7\uf0a7]|o\s|\d{1,2}[.)]\s|[a-zA-Z][.)]\s)")


@dataclass(frozen=True)
class _Scored:
    index: int
    text: str
    score: float


def _label(sel: Selected) -> str:
    return item_label(sel.meeting.date, sel.meeting.cluster, sel.number, sel.title)


def _feature(sentence: str, query: Query) -> float:
    intent = query.intent
    if intent == "amount":
        if _MONEY_Q.search(query.text):
            return 1.5 if _MONEY.search(sentence) else 0.0
        return 1.0 if _NUMBER.search(sentence) or _NUMBER_WORD.search(sentence) else 0.0
    if intent == "when":
        return 1.2 if _WHEN.search(sentence) else 0.0
    if intent == "who":
        return (1.0 if _NAME.search(sentence) else 0.0) + (0.4 if _ROLE.search(sentence) else 0.0)
    if _RESOLVED.search(sentence):
        return RESOLVED_BONUS if intent == "decision" else RESOLVED_OTHER
    return 0.8 if intent == "decision" and DECIDED.search(sentence) else 0.0


def _in(term: str, words: set[str]) -> bool:
    """The term is a word of the sentence or, from ``MIN_PART`` letters, part of one: Danish
    derives and compounds freely ("flytter" ~ "Indflytningen", "borgerinddragelse")."""
    return term in words or (len(term) >= MIN_PART and any(term in w for w in words))


def _speaks_of(words: set[str], terms: list[str]) -> bool:
    return any(_in(t, words) for t in terms)


def _has_person(text: str) -> bool:
    for m in _NAME.finditer(text):
        if m.group(0).split()[0].lower() not in _ORG_WORDS:
            return True
    return bool(_INITIALS.search(text))


def _evidence(query: Query, quotes: list[str], item_text: str, terms: list[str],
              analyzer: Callable[[str], list[str]], decided: frozenset[str] = frozenset()) -> bool:
    """Do the quoted sentences that speak of the question's topic carry the kind of fact
    asked for (an amount, a date, a person)? A sentence of the decision (``decided``) speaks of
    its item's topic: "Udsat. Punktet genoptages på mødet den 12. juni 2024"."""
    topical = [q for q in quotes if not terms or q in decided or _speaks_of(set(analyzer(q)), terms)] or quotes
    joined = " ".join(topical)
    if query.intent == "amount":
        if _MONEY_Q.search(query.text) and not _MONEY.search(joined):
            return False
        counts = _DATES_AND_YEARS.sub(" ", joined)
        if not (_NUMBER.search(counts) or _NUMBER_WORD.search(counts)):
            return False  # "hvor mange deltog i temadagen 21. september 2022?": a date is no count
        if query.soft_period and query.date_from and query.date_to and query.date_from[:4] == query.date_to[:4]:
            return query.date_from[:4] in item_text  # "udgifter i 2020": the item must speak of 2020
        return True
    if query.intent == "when":
        if query.meeting_plan:  # when meetings are held: dates (a plan lists them), not "næste møde" or a year
            return bool(_DATE_RE.search(" ".join(quotes)))
        return bool(_WHEN.search(joined))
    if query.intent == "who":
        return _has_person(joined) or bool(_ROLE.search(joined))
    return True


_NO_EVIDENCE = {
    "amount": "Referaterne nævner ikke det beløb eller antal, der spørges om.",
    "when": "Referaterne nævner ikke tidspunktet.",
    "who": "Referaterne nævner ikke, hvem det drejer sig om.",
}


def _idf(terms: list[str], selected: list[Selected]) -> dict[str, float]:
    n = len(selected) + 1
    out = {}
    for t in terms:
        df = sum(1 for s in selected if t in s.terms)
        out[t] = 1.0 + math.log(n / (1 + df))
    return out


def _score_sentences(query: Query, terms: list[str], idf: dict[str, float], pool: list[str], matched: str,
                     analyzer: Callable[[str], list[str]] = analyze) -> list[_Scored]:
    """Sentence scores: question terms (idf-weighted), the asked kind of fact, and a bonus for
    lying in ``matched`` (the item's best-matching chunk, whitespace-normalised): a long item
    speaks of the question there."""
    scored = []
    for i, sent in enumerate(pool):
        if is_heading(sent):
            continue
        have = set(analyzer(sent))
        lexical = sum(idf.get(t, 1.0) * (1.0 if t in have else PART_WEIGHT) for t in terms if _in(t, have))
        feat = _feature(sent, query) + (NUMBER_BONUS if _NUMBER.search(sent) else 0.0)
        local = CHUNK_BONUS if sent[:60] in matched else 0.0
        scored.append(_Scored(i, sent, lexical + feat * (1.0 if lexical > 0 else 0.5) + local))
    return scored


def _pick(scored: list[_Scored], budget: int, min_score: float, window: int = 0,
          pool_size: int | None = None, by_index: dict[int, _Scored] | None = None) -> list[_Scored]:
    """Best sentences first, each with up to ``window`` following sentences (minutes
    develop a point over a few sentences), until ``budget`` words are used."""
    chosen: dict[int, _Scored] = {}
    words = 0
    for s in sorted(scored, key=lambda s: -s.score):
        if s.score < min_score and chosen:
            break
        run = [s]
        if window and by_index is not None:
            run += [by_index[j] for j in range(s.index + 1, s.index + 1 + window) if j in by_index]
        for r in run:
            n = len(r.text.split())
            if r.index in chosen or (chosen and words + n > budget):
                continue
            chosen[r.index] = r
            words += n
        if words >= budget:
            break
    return sorted(chosen.values(), key=lambda s: s.index)


def _list_start(s: _Scored, pool: list[str]) -> int | None:
    """Where the list that ``s`` introduces ("følgende emner:") or belongs to begins; None if none."""
    if s.text.endswith(":"):
        return s.index + 1
    if not _LIST_ENTRY.match(s.text):
        return None
    start = s.index  # an entry stands for its whole list: "1. Forventningssamtaler" of four
    while start > 0 and _LIST_ENTRY.match(pool[start - 1]):
        start -= 1
    return start


def _with_lists(chosen: list[_Scored], pool: list[str], budget: int) -> list[_Scored]:
    """A chosen sentence that introduces a list, or is one of its entries, brings the entries."""
    out = list(chosen)
    have = {s.index for s in chosen}
    words = sum(len(s.text.split()) for s in chosen)
    for s in chosen:
        start = _list_start(s, pool)
        if start is None:
            continue
        limit = budget + (LIST_EXTRA if s.text.endswith(":") else ENTRY_EXTRA)
        for j in range(start, len(pool)):
            entry = pool[j]
            continues = entry[:1] == "(" or entry[:1].islower()  # a wrapped entry's second line
            if not (_LIST_ENTRY.match(entry) or continues) or words + len(entry.split()) > limit:
                break
            if j in have:  # already chosen (the window after the intro): the list goes on
                continue
            out.append(_Scored(j, entry, 0.0))
            have.add(j)
            words += len(entry.split())
    return sorted(out, key=lambda s: s.index)


_KIND = {"amount": _MONEY, "when": _WHEN}


def _with_kin(chosen: list[_Scored], query: Query, by_index: dict[int, _Scored], budget: int) -> list[_Scored]:
    """Amount and date questions: a chosen sentence with an amount (a date) brings the sentence
    right before or after it that has one too. Minutes state related figures side by side
    ("tildelt i 2022 ... Stort set tilsvarende beløb er afsat i 2023 ..."); one without the
    other answers half the question."""
    kind = _KIND.get(query.intent)
    if kind is None:
        return chosen
    out = {s.index: s for s in chosen}
    words = _words(chosen)
    for s in chosen:
        if not kind.search(s.text):
            continue
        for j in (s.index - 1, s.index + 1):
            kin = by_index.get(j)
            if kin is None or j in out or not kind.search(kin.text) or words + len(kin.text.split()) > budget:
                continue
            out[j] = kin
            words += len(kin.text.split())
    return sorted(out.values(), key=lambda s: s.index)


def _words(items: list[_Scored]) -> int:
    return sum(len(s.text.split()) for s in items)


def _item_block(sel: Selected, query: Query, terms: list[str], idf: dict[str, float],
                budget: int, analyzer: Callable[[str], list[str]] = analyze) -> tuple[str, str]:
    """(answer text for the item, verbatim quote).

    The decision comes first when it is asked for or short; the rest of the
    budget goes to the item's sentences that best carry the asked fact.
    """
    parts: list[str] = []
    quotes: list[str] = []
    decision = sentences(sel.decision) if sel.decision else []
    matched = normalize_ws(sel.hit.chunk.text)
    dec_words = sum(len(d.split()) for d in decision)
    quoted_decision = False
    if decision and (query.intent == "decision" or dec_words <= max(SHORT_DECISION, DECISION_SHARE * budget)):
        scored = _score_sentences(query, terms, idf, decision, matched, analyzer)
        chosen = scored if dec_words <= budget else _pick(scored, budget, 0.0)
        chosen = _with_lists(chosen, decision, budget)
        if chosen:
            parts.append("Beslutning: «" + " … ".join(c.text for c in chosen) + "»")
            quotes.extend(c.text for c in chosen)
            budget -= _words(chosen)
            quoted_decision = True
    if budget >= MIN_SUPPORT_WORDS or not parts:
        # A decision not quoted as a block competes sentence by sentence with the rest.
        in_decision = set(decision) if quoted_decision else set()
        pool = [p for p in sentences(sel.text) if p not in in_decision and not _labelled(p, in_decision)]
        scored = _score_sentences(query, terms, idf, pool, matched, analyzer)
        best = max((s.score for s in scored), default=0.0)
        by_index = {x.index: x for x in scored}
        chosen = _pick(scored, max(budget, MIN_SUPPORT_WORDS), best * MIN_SHARE, WINDOW, by_index=by_index)
        chosen = _with_lists(chosen, pool, max(budget, MIN_SUPPORT_WORDS))
        chosen = _with_kin(chosen, query, by_index, max(budget, MIN_SUPPORT_WORDS) + KIN_EXTRA)
        if not chosen and scored and not parts:
            chosen = scored[:1]
        if chosen:
            parts.append("«" + " … ".join(c.text for c in chosen) + "»")
            quotes.extend(c.text for c in chosen)
    return "\n".join(parts), " … ".join(quotes)


def _labelled(sentence: str, decision: set[str]) -> bool:
    """"Beslutning: Sagen blev godkendt." is the quoted decision sentence behind its label."""
    head, sep, rest = sentence.partition(": ")
    return bool(sep) and len(head.split()) <= 3 and rest in decision


def _citation(sel: Selected, quote: str) -> Citation:
    m = sel.meeting
    return Citation(
        file=m.file, meeting_id=m.id, cluster=m.cluster, body=m.body, date=m.date,
        item=sel.number, title=sel.title, quote=quote,
    )


# What a header says about when and where the meeting was held: a date, a clock time, or a
# labelled date/place line ("Tidspunkt:", "Sted:"). A participant list names regions and
# years too, so those words alone do not make a date line.
_WHEN_WHERE = re.compile(
    rf"{_DATE}|\b(?:{MONTH_RE})\.?\s+\d{{4}}\b|\bkl\.?\s?\d|"
    r"\b(?:dato|mødedato|tidspunkt|tid|sted|mødested|mødelokale|lokale|adresse)\s*:",
    re.IGNORECASE,
)
HEADER_QUOTE_WORDS = 24  # a date/place quote longer than this is cut to the span around its match
HEADER_QUOTES = 2
_date_lines_cache: LRU[tuple[str, tuple[str, ...]], tuple[str, ...]] = LRU(HEADER_CACHE_SIZE)


def _span(sentence: str, start: int, words: int = HEADER_QUOTE_WORDS) -> str:
    """At most ``words`` words of ``sentence`` from a little before character ``start``: a
    verbatim piece, so a participant list that holds the date does not become the quote."""
    before = sentence[:start].split()
    toks = before[-3:] + sentence[start:].split()
    return " ".join(toks[:words])


def _date_lines(m: Meeting) -> tuple[str, ...]:
    """Up to two short header quotes that give the meeting's date, time or place.

    Cached by what they derive from (header text, item titles): ``header_text`` matches every
    header line against every item title, ~1 ms a meeting at every answer that cites it.
    """
    key = (m.header.text, tuple(i.title for i in m.items))

    def compute() -> tuple[str, ...]:
        out: list[str] = []
        for sent in sentences(header_text(m)):
            match = _WHEN_WHERE.search(sent)
            if match is None or sent.rstrip().endswith(":"):  # a label whose value follows
                continue
            quote = sent if len(sent.split()) <= HEADER_QUOTE_WORDS else _span(sent, match.start())
            out.append(normalize_ws(quote))
            if len(out) == HEADER_QUOTES:
                break
        return tuple(out)

    return _date_lines_cache.get_or_compute(key, compute)


def _add_headers(lines: list[str], citations: list[Citation], selected: list[Selected],
                 meetings: Mapping[str, Meeting]) -> tuple[list[str], list[Citation]]:
    """Cite each answering meeting's header for the date/place/region the answer relies on."""
    cited = {(c.meeting_id, c.item) for c in citations}
    for mid in dict.fromkeys(c.meeting_id for c in citations):
        if (mid, HEADER) in cited or mid not in meetings:
            continue
        m = meetings[mid]
        head = _date_lines(m)
        if not head:
            continue
        quote = " … ".join(head)
        citations.append(Citation(file=m.file, meeting_id=m.id, cluster=m.cluster, body=m.body, date=m.date,
                                  item=HEADER, title="Mødets forside og deltagerliste", quote=quote))
        lines.append(f"{format_date(m.date)} · {m.cluster or 'ukendt klynge'} · mødets forside "
                     f"[{len(citations)}]\n«{quote}»")
    return lines, citations


def refusal(reason: str | None = None) -> Answer:
    """A plain statement that the minutes do not answer the question."""
    text = REFUSAL if not reason else f"{REFUSAL[:-1]}: {reason}"
    return Answer(answer=text, refused=True, citations=())


def _blocks_with_evidence(selected: list[Selected], query: Query, terms: list[str], idf: dict[str, float],
                          retrieval: Retrieval, words: int = BUDGET[1]) -> list[tuple[Selected, str, str]]:
    """(item, answer text, quote) for the items whose quotes carry the asked kind of fact.

    The word budget is shared by the items in the answer: when an item drops out for lack
    of evidence, the others are quoted again with its share.
    """
    items = list(selected)
    while items:
        budget = round(BUDGET.get(len(items), MIN_BUDGET) * words / BUDGET[1])
        best = max(items, key=lambda s: s.hit.score)
        blocks = []
        for sel in items:
            share = budget if len(items) == 1 else round(budget * (TOP_SHARE if sel is best else OTHER_SHARE))
            body, quote = _item_block(sel, query, terms, idf, share, retrieval.analyzer)
            # The item's title is part of what it speaks of ("Budget 2024 for ...").
            decided = frozenset(sentences(sel.decision)) if sel.decision else frozenset()
            if _evidence(query, quote.split(" … "), f"{sel.title}\n{sel.text}", terms, retrieval.analyzer, decided):
                blocks.append((sel, body, quote))
        if len(blocks) == len(items) or not blocks:
            return blocks
        items = [sel for sel, _, _ in blocks]
    return []


def _unnamed_role(query: Query, answering: list[Selected]) -> str | None:
    """The meeting role a who-question asks for ("mødeleder") when no answering item or front
    matter names it: the answer then says so before quoting what is closest."""
    if query.intent != "who":
        return None
    asked = _ASKED_ROLE.search(query.text)
    if asked is None:
        return None
    role = asked.group(1).lower()
    stem = re.compile(rf"\b{role}", re.I)
    if any(stem.search(f"{sel.title}\n{sel.text}") for sel in answering):
        return None
    return role


def answer_extractive(query: Query, retrieval: Retrieval, meetings: Mapping[str, Meeting],
                      min_coverage: float, dense_margin: float = 1.0, words: int = BUDGET[1]) -> Answer:
    """Quote the decisions / supporting sentences of the relevant items, or refuse.

    ``words`` is the quote budget of a one-item answer; answers of several items share a
    proportionally scaled budget (``BUDGET``).
    """
    if retrieval.refusal:
        return refusal(retrieval.refusal)
    terms = list(retrieval.query_terms)
    years = [y for y in dict.fromkeys(_YEAR.findall(query.text)) if y not in terms]
    terms += years
    selected, note = select_items(query, retrieval, meetings, min_coverage, dense_margin)
    if not selected:
        return refusal(note)
    idf = _idf(terms, selected)
    idf.update({y: YEAR_WEIGHT for y in years})  # a year helps pick a sentence; it is no topic
    if query.intent == "decision" or len({s.meeting.id for s in selected}) > 1:
        selected = sorted(selected, key=lambda s: (s.meeting.date or "", s.order))
    lines = [n for n in (retrieval.note, note) if n]
    blocks = _blocks_with_evidence(selected, query, terms, idf, retrieval, words)
    citations: list[Citation] = []
    for sel, body, quote in blocks:
        lines.append(f"{_label(sel)} [{len(citations) + 1}]\n{body}")
        citations.append(_citation(sel, quote))
    if not citations:
        return refusal(_NO_EVIDENCE.get(query.intent))
    if query.meeting_context:
        lines, citations = _add_headers(lines, citations, selected, meetings)
    if (role := _unnamed_role(query, [sel for sel, _, _ in blocks])) is not None:
        lines.insert(0, f"Det fremgår ikke af referaterne, hvem der var {role}. Referaterne nævner dog:")
    return Answer(
        answer="\n\n".join(lines), refused=False, citations=tuple(citations),
        hits=retrieval.hits,
    )


def quote_is_verbatim(quote: str, item_text: str) -> bool:
    """Every ' … '-separated part of ``quote`` occurs in the item text (whitespace-normalised)."""
    text = normalize_ws(item_text)
    return all(part in text for part in quote.split(" … "))
