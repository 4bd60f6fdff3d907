"""Hybrid retrieval at agenda-item level: filters inside the index, dense + BM25, fusion.

Contract of ``retrieve``: hits are agenda items (one best chunk each), sorted by
descending fused score, all satisfying the filters (cluster, period, meeting,
scope) because the filters are applied inside the dense and lexical searches,
never to a short final list.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import logging
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

import numpy as np

from rag.cache import LRU
from rag.dates import DANISH_MONTHS, MONTHS, date_forms
from rag.index import Index, item_text
from rag.lexical import analyze
from rag.parse.cluster import implicit_aliases, municipality_names
from rag.query import Query, find_clusters
from rag.settings import RetrievalSettings
from rag.types import HEADER, Chunk, Embedder, Hit

logger = logging.getLogger(__name__)

QUERY_CACHE_SIZE = 512  # recent query vectors kept (1.5 KB each at dim 384)
# Recent scopes (clusters x period x dates x access scopes) and their allowed rows: questions
# repeat a few clusters and years (3,000 bench questions: 151 scopes, 94% hits at 64), and
# a scope's rows cost 0.2-2 ms at 100k items. An entry holds 8 bytes per allowed chunk (median
# 60 KB, at most ~1.3 MB, at 100k items).
SCOPE_CACHE_SIZE = 64
# Recent items' analysed terms (LRU): an answer looks again at the items its retrieval just
# scored. Builds store every item's terms, so a miss costs ~20 us; an entry holds ~6 KB at the
# 100k bench's ~100 terms per item (a set and a tuple of shared strings): ~13 MB when full.
# (It was 20,000 entries, cleared when full: ~130 MB, and distinct questions kept refilling it.)
TERMS_CACHE_SIZE = 2_048
SHARED_STEM = 8  # letters a question term and an item word must share to count as derivations
STEM_MIN = 6  # compounds share a start of at least this many letters ("sundhedsaftale"/"sundhed...")

# Words that say what kind of answer is wanted, not what it is about: they do not
# count when measuring how much of a question an item covers.
_GENERIC = (
    "hvad hvem hvornår hvor hvorfor hvordan hvilken hvilke hvilket blev bliver er var har havde "
    "beslutte besluttede beslutning besluttet beslutninger vedtaget godkendt aftalt sagt siger "
    "står nævnes drøftet drøftede mener status nyt nyeste seneste sidste referat referaterne "
    "referatet møde mødet møder mødets klynge klyngen klyngerne klyngens klyngestyregruppe "
    "klyngestyregruppen klyngestyregruppemøde styregruppe styregruppen punkt punktet dagsorden "
    "dagsordenspunkt skete sket gøre gjorde fremgår om i på til af for med den det de der som truffet "
    "truffne trufne tog taget tage handlede handler omhandlede behandlet behandlede "
    "og at en et skal kan ny nye"
)


_DECIDING = "beslutte besluttede beslutning besluttet"

DATE_CHECK_CANDIDATES = 50


@dataclass(frozen=True)
class Filters:
    """Explicit filters from the API caller (on top of what the question implies)."""

    cluster: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    scopes: Collection[str] | None = None


@dataclass(frozen=True)
class Retrieval:
    """Item hits plus, when the question cannot be answered from this index, why."""

    hits: tuple[Hit, ...]
    refusal: str | None = None
    query_terms: tuple[str, ...] = ()
    term_weights: dict[str, float] | None = None
    """IDF of each query term in this index: rare words ("Lemvig") weigh more."""
    analyzer: Callable[[str], list[str]] = analyze
    item_terms: Callable[[str, str], frozenset[str]] | None = None
    """Cached analysed terms of a whole item, by (meeting id, item)."""
    note: str | None = None
    """What an answer must say first about how its scope was read (e.g. no meeting in the month)."""
    query_vector: np.ndarray | None = field(default=None, repr=False, compare=False)
    """The question's embedding, for a second retrieval of the same question in another scope."""


@functools.lru_cache(maxsize=4)
def _month_terms(analyzer: Callable[[str], list[str]]) -> frozenset[str]:
    """Month names and abbreviations as the analyzer indexes them."""
    return frozenset(analyzer(" ".join(MONTHS)))


def content_terms(query: Query, analyzer: Callable[[str], list[str]] = analyze) -> list[str]:
    """Analyzed question terms that carry its topic (no question words, no cluster names)."""
    generic = set(analyzer(_GENERIC))
    if query.intent == "who":  # "hvem beslutter om ledsagelse?": deciding is what the person does
        generic -= set(analyzer(_DECIDING))
    for removed in query.terms_removed:
        generic.update(analyzer(removed))
    terms = [t for t in analyzer(query.text) if t not in generic and not t.isdigit()]
    return list(dict.fromkeys(terms))


_PLAN_TITLE = re.compile(r"mødeplan|mødekalender|mødedatoer|mødeoversigt|næste møde|kommende møder", re.I)
FRONT_MATTER_MEETINGS = 2  # meetings whose header unit a question about "the meeting" brings along
BOOST_SPREAD_RANK = 20  # the relevance spread a boost is measured in: best item vs the 20th
MIN_SPREAD = 0.05
ITEM_NUMBER_BONUS = 0.1  # the item a question names by number ("punkt 3")
ASKED_UNIT_BOOST = 0.3  # the kind of unit the question asks for (front matter, meeting plan)
SOFT_PERIOD_BOOST = 0.15
_ATTENDANCE_TITLE = re.compile(r"^\s*(møde)?deltagere|^\s*til stede|^\s*fremmødte|^\s*afbud", re.I)


class _Head(NamedTuple):
    """The fields of a chunk that ranking reads, taken from the chunk store's columns."""

    item: str
    title: str
    date: str | None


def is_attendance(chunk: Chunk | _Head) -> bool:
    """The header unit, or an agenda item that is itself the attendance list ("Mødedeltagere")."""
    return chunk.item == HEADER or bool(_ATTENDANCE_TITLE.match(chunk.title))


def is_asked_unit(chunk: Chunk | _Head, query: Query) -> bool:
    """The kind of unit the question asks for, whatever words it shares with it: the front matter
    for a question about the meeting itself, the meeting plan for "hvornår holder klyngen møder?"."""
    return bool((query.about_meeting and is_attendance(chunk))
                or (query.meeting_plan and _PLAN_TITLE.search(chunk.title)))


def _presence(term: str, have: frozenset[str], ordered: tuple[str, ...]) -> float:
    """1 when the item has the term; 0.5 when it has a long word sharing its start (compounds).

    ``ordered`` is ``have`` sorted: a word starting with ``term`` is then the first word not
    below it, and a word ``term`` starts with is one of its prefixes -- no scan of the item.
    """
    if term in have:
        return 1.0
    if len(term) < STEM_MIN:
        return 0.0
    if any(term[:n] in have for n in range(STEM_MIN, len(term))):
        return 0.5
    at = bisect.bisect_left(ordered, term)
    if at < len(ordered) and ordered[at].startswith(term):
        return 0.5
    # Derivations the stemmer keeps apart: "palliation" ~ "palliativ", "kommunikation" ~ "kommunikativ".
    if len(term) >= SHARED_STEM + 2:
        stem = term[: max(SHARED_STEM, len(term) - 3)]
        at = bisect.bisect_left(ordered, stem)
        if at < len(ordered) and ordered[at].startswith(stem):
            return 0.5
    return 0.0


def _fmt(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day}.{d.month}.{d.year}"


_Groups = tuple[tuple[tuple[str, ...], ...], ...]  # per abbreviation: (its terms, its phrase's terms)
GROUPS_CACHE_SIZE = 256


@dataclass(frozen=True)
class _ScopeKey:
    """Everything the allowed rows of a question depend on, once its clusters are checked."""

    clusters: tuple[str, ...]
    date_from: str | None
    date_to: str | None
    dates: tuple[str, ...]
    latest_meeting: bool
    scopes: frozenset[str] | None
    topic_month: str | None = None
    """"YYYY-MM": only the rows whose item speaks of that month."""


class _Meetings:
    """Each meeting's cluster and date as arrays, so that a scope is a few vectorised comparisons.

    A Python loop over 5,000 meetings costs ~3 ms per question. Dates stay strings compared as
    strings (the question's bounds may be partial, "2019"): each date is coded by its rank among
    the sorted distinct dates, and a bound becomes a rank by bisection. No date: rank -1.
    """

    def __init__(self, table: dict[str, tuple[str | None, str | None]]) -> None:
        self.ids = list(table)
        self._cluster_code = {c: i for i, c in enumerate(dict.fromkeys(c for c, _ in table.values()))}
        self.days = sorted({d for _, d in table.values() if d})
        self._rank = {d: i for i, d in enumerate(self.days)}
        self.cluster = np.array([self._cluster_code[c] for c, _ in table.values()], dtype=np.int64)
        self.day = np.array([self._rank[d] if d else -1 for _, d in table.values()], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.ids)

    def select(self, clusters: list[str] | None, date_from: str | None, date_to: str | None) -> np.ndarray:
        """Meetings of ``clusters`` (all when None/empty) dated within [date_from, date_to]."""
        mask = np.ones(len(self), dtype=bool)
        if clusters:
            mask &= np.isin(self.cluster, [self._cluster_code[c] for c in clusters if c in self._cluster_code])
        if date_from or date_to:
            mask &= self.day >= 0
        if date_from:
            mask &= self.day >= bisect.bisect_left(self.days, date_from)
        if date_to:
            mask &= self.day < bisect.bisect_right(self.days, date_to)
        return mask

    def on_dates(self, mask: np.ndarray, dates: Collection[str]) -> np.ndarray:
        """The meetings of ``mask`` held on one of ``dates``."""
        return mask & np.isin(self.day, [self._rank[d] for d in dates if d in self._rank])

    def latest(self, mask: np.ndarray) -> np.ndarray:
        """The meetings of ``mask`` on its latest date (``mask`` itself when none is dated)."""
        dated = mask & (self.day >= 0)
        if not dated.any():
            return mask
        return dated & (self.day == self.day[dated].max())

    def id_list(self, mask: np.ndarray) -> list[str]:
        """Ids of the meetings in ``mask``, in table order."""
        return [self.ids[i] for i in np.flatnonzero(mask)]


class Retriever:
    """Hybrid retriever over a loaded ``Index``."""

    def __init__(self, index: Index, embedder: Embedder, settings: RetrievalSettings,
                 aliases: Mapping[str, list[str]] | None = None,
                 places: Mapping[str, list[str]] | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        # meeting id -> (cluster, date), from the chunk store's columns: no meeting is decoded.
        cols = index.chunks.columns
        table: dict[str, tuple[str | None, str | None]] = {}
        for mid, cluster, day in zip(cols["meeting_id"], cols["cluster"], cols["date"], strict=True):
            table.setdefault(mid, (cluster, day))
        self._meetings = _Meetings(table)
        self._clusters = sorted({c for c, _ in table.values() if c})
        # Names a question may use for a cluster: the configured aliases, plus the index's own
        # clusters the table does not know ("Klynge Nord" ~ "Nordklyngen"), read from their minutes.
        self.aliases: dict[str, list[str]] = dict(aliases or {})
        for c in self._clusters:
            self.aliases.setdefault(c, implicit_aliases(c))
        # A cluster called after one of its municipalities ("Viborgklyngen": Viborg Kommune is in
        # Midtklyngen), unless that is some cluster's own name. Answers say how the name was read.
        self._read_as = {name: cluster for name, cluster in municipality_names(dict(places or {})).items()
                         if cluster in self._clusters and not find_clusters(name, self.aliases)[0]}
        for name, cluster in self._read_as.items():
            self.aliases[cluster] = [*self.aliases.get(cluster, []), name]
        self._read_as_table: dict[str, list[str]] = {name: [] for name in self._read_as}
        self._terms_cache: LRU[tuple[str, str], tuple[frozenset[str], tuple[str, ...]]] = LRU(TERMS_CACHE_SIZE)
        self._groups: LRU[tuple[tuple[tuple[str, str], ...], tuple[str, ...]], _Groups] = LRU(GROUPS_CACHE_SIZE)
        self._scopes: LRU[_ScopeKey, tuple[np.ndarray | None, str | None]] = LRU(SCOPE_CACHE_SIZE)
        # Recent query vectors: a question asked again (a suggested question, a retry, the
        # cluster-wide second look in Pipeline._mentioned_elsewhere) is not embedded twice.
        self._qvecs: LRU[str, np.ndarray] = LRU(QUERY_CACHE_SIZE)

    @property
    def clusters(self) -> list[str]:
        return self._clusters

    def _date_mentioned(self, iso: str) -> bool:
        """Does any minutes text mention this date? (Rare path: an exact date that is no meeting's.)

        BM25 finds the chunks that share the date's words; their raw text is then checked
        for the date as printed. Scanning every text instead costs ~0.4 s at 100k items.
        """
        forms = date_forms(date.fromisoformat(iso))
        for form in forms[:2]:  # "9. november 2017" / "9.november 2017": the word forms BM25 can find
            for row, _ in self.index.lexical_search(form, DATE_CHECK_CANDIDATES):
                c = self.index.chunks[row]
                if any(f in c.text.lower() for f in forms):
                    return True
        numeric = forms[2:]
        for row, _ in self.index.lexical_search(" ".join(numeric), DATE_CHECK_CANDIDATES):
            if any(f in self.index.chunks[row].text.lower() for f in numeric):
                return True
        return False

    def _month_rows(self, year: int, month: int, allowed: np.ndarray | None) -> np.ndarray:
        """Rows (of ``allowed``) whose item title or text speaks of this month ("november 2020",
        "nov. 2020"). BM25 finds the candidates; their raw text is then checked."""
        name = DANISH_MONTHS[month - 1]
        forms = (f"{name} {year}", f"{name[:3]}. {year}", f"{name[:3]} {year}")
        found = []
        for row, _ in self.index.lexical_search(f"{name} {name[:3]} {year}", DATE_CHECK_CANDIDATES, allowed):
            chunk = self.index.chunks[row]
            text = " ".join(f"{chunk.title}\n{chunk.text}".lower().split())
            if any(f in text for f in forms):
                found.append(row)
        return np.array(sorted(found), dtype=np.int64)

    def _scope(self, query: Query, filters: Filters,
               has_terms: bool = True) -> tuple[np.ndarray | None, str | None, str | None]:
        """(allowed chunk rows, refusal reason when the question's scope is empty, note)."""
        clusters = list(query.clusters)
        if filters.cluster:
            clusters = [filters.cluster] if not clusters or filters.cluster in clusters else []
            if not clusters:
                return None, "Spørgsmålet nævner en anden klynge end det valgte filter.", None
        absent = [c for c in clusters if c not in self._clusters] + list(query.unknown_clusters)
        present = [c for c in clusters if c in self._clusters]
        if absent and not present:
            have = ", ".join(self._clusters) or "ingen"
            return None, (
                f"Der er ingen referater fra {' og '.join(absent)} i samlingen "
                f"(der er referater fra: {have})."
            ), None
        date_from, date_to = filters.date_from, filters.date_to
        # A soft period ("i 2021") may be when the topic happened; with no topic at all ("hvad
        # besluttede Midtklyngen i 2021?") it can only be when the meetings were held. When
        # meetings are asked for ("hvornår mødes klyngen i efteråret 2023?"), the period is when
        # the planned meetings fall: the minutes that plan them are older.
        if query.has_period and not query.meeting_plan and (not query.soft_period or not has_terms):
            date_from = max(filter(None, [date_from, query.date_from]), default=None)
            date_to = min(filter(None, [date_to, query.date_to]), default=None)
        scopes = None if filters.scopes is None else frozenset(filters.scopes)
        key = _ScopeKey(tuple(present), date_from, date_to, tuple(query.dates), query.latest_meeting, scopes)
        rows, refusal = self._scoped_rows(key)
        if (refusal or query.period_is_topic) and has_terms and query.one_month and (
                (date_from, date_to) != (filters.date_from, filters.date_to)):
            # No meeting in the month the question names ("blev netværksmødet holdt i november
            # 2020?"), but items of other meetings may speak of that month: then it is when the
            # topic happened, and those items (only they) are searched. Their labels carry the
            # meeting dates.
            key = _ScopeKey(tuple(present), filters.date_from, filters.date_to, tuple(query.dates),
                            query.latest_meeting, scopes, topic_month=query.date_from[:7])  # type: ignore[index]
            speaking, unspoken = self._scoped_rows(key)
            if not unspoken:
                year, month = int(key.topic_month[:4]), int(key.topic_month[5:])  # type: ignore[index]
                month_name = f"{DANISH_MONTHS[month - 1]} {year}"
                if not refusal:  # meetings were held that month, but their minutes did not answer
                    return speaking, None, (f"Referaterne fra møder i {month_name} svarer ikke på spørgsmålet; "
                                            f"disse punkter fra andre møder omtaler {month_name}:")
                return speaking, None, (f"Der er ingen referater fra møder i {month_name}; "
                                        f"disse punkter fra andre møder omtaler {month_name}:")
        return rows, refusal, None

    def _scoped_rows(self, key: _ScopeKey) -> tuple[np.ndarray | None, str | None]:
        """``_allowed_rows(key)`` from a small LRU: the index never changes under a Retriever
        (a new build makes a new one), so a scope's rows stay valid. Cached arrays are read-only:
        they are shared by concurrent requests."""
        return self._scopes.get_or_compute(key, lambda: self._allowed_rows(key))

    def _allowed_rows(self, key: _ScopeKey) -> tuple[np.ndarray | None, str | None]:
        """Allowed chunk rows of a checked scope (None: all), or why the scope is empty."""
        if key.topic_month:
            base, refusal = self._scoped_rows(replace(key, topic_month=None))
            if refusal:
                return None, refusal
            speaking = self._month_rows(int(key.topic_month[:4]), int(key.topic_month[5:]), base)
            speaking.flags.writeable = False
            return (speaking, None) if len(speaking) else (None, "Ingen punkter omtaler måneden.")
        meetings = self._meetings
        mask = meetings.select(list(key.clusters) or None, key.date_from, key.date_to)
        if not mask.any():
            who = " og ".join(key.clusters) if key.clusters else "klyngerne"
            return None, f"Der er ingen referater fra {who} i den periode, spørgsmålet nævner."
        if key.dates:
            on_date = meetings.on_dates(mask, key.dates)
            if on_date.any():
                mask = on_date
            elif not any(self._date_mentioned(d) for d in key.dates):
                days = ", ".join(_fmt(d) for d in key.dates)
                return None, f"Der er ikke noget referat fra et møde den {days} i samlingen."
        if key.latest_meeting:
            mask = meetings.latest(mask)
        restrict = int(mask.sum()) < len(meetings) or key.scopes is not None
        if not restrict:
            return None, None
        rows = self.index.rows(meeting_ids=meetings.id_list(mask), scopes=key.scopes)
        if rows is not None:
            rows.flags.writeable = False  # cached and shared by concurrent requests
        if rows is not None and len(rows) == 0:
            return rows, "Der er ingen referater, som du har adgang til, der passer til spørgsmålet."
        return rows, None

    def retrieve(self, query: Query, filters: Filters | None = None, top_k: int | None = None,
                 query_vector: np.ndarray | None = None) -> Retrieval:
        """Agenda items for ``query``, best first; see the module docstring for the contract.

        ``query_vector``: the embedding of ``query.text`` from an earlier retrieval (a second try
        in another scope embeds nothing).
        """
        filters = filters or Filters()
        top_k = top_k or self.settings.top_k
        analyzer = self.index.lexical.analyzer
        terms = content_terms(query, analyzer)
        topical = [t for t in terms if t not in _month_terms(analyzer)]  # "i november": a period, no topic
        allowed, refusal, note = self._scope(query, filters, has_terms=bool(topical))
        note = self._municipality_note(query, note)
        weights = self.index.lexical.idf(terms)
        if not terms and query.intent == "decision":
            top_k = max(top_k, 12)  # "which decisions were made …": list the scoped meetings' items
        if refusal:
            return Retrieval(hits=(), refusal=refusal, query_terms=tuple(terms), term_weights=weights,
                             analyzer=analyzer, item_terms=self.item_terms)
        k = self.settings.candidates
        qvec = query_vector if query_vector is not None else self._query_vector(query.text)
        dense = self.index.dense_search(qvec, k, allowed)
        lexical = self.index.lexical_search(query.text, k, allowed)
        fused = self._fuse(dense, lexical)
        hits = self._to_items(fused, dict(dense), dict(lexical), query, terms, weights)
        if query.about_meeting:
            hits = self._with_front_matter(hits, top_k, allowed, query, terms, weights)
        return Retrieval(hits=tuple(hits[: max(top_k, 1)]), query_terms=tuple(terms), term_weights=weights,
                         analyzer=analyzer, item_terms=self.item_terms, note=note, query_vector=qvec)

    def _municipality_note(self, query: Query, note: str | None) -> str | None:
        """"Viborgklyngen er læst som Midtklyngen …" when the question named a cluster that way."""
        if not self._read_as or not query.clusters:
            return note
        said = [
            f"{name} er læst som {self._read_as[name]}, som {name.removesuffix('klyngen')} Kommune hører til"
            for name in find_clusters(query.text, self._read_as_table)[0] if self._read_as[name] in query.clusters
        ]
        if not said:
            return note
        return ". ".join([*said, *([note.rstrip(".")] if note else [])]) + "."

    def _with_front_matter(self, hits: list[Hit], top_k: int, allowed: np.ndarray | None, query: Query,
                           terms: list[str], weights: dict[str, float]) -> list[Hit]:
        """A question about the meeting itself (who attended, which municipalities take part,
        when it was held) is answered by the front matter, whose names share few words with the
        question: the header unit of each of the best meetings joins the results right after
        that meeting's best item, with its score, unless an attendance unit is already there."""
        out = list(hits)
        cols = self.index.chunks.columns
        shown = out[:top_k]
        for mid in list(dict.fromkeys(h.chunk.meeting_id for h in shown))[:FRONT_MATTER_MEETINGS]:
            if any(h.chunk.meeting_id == mid and is_attendance(h.chunk) for h in shown):
                continue
            rows = self.index.rows(meeting_ids=[mid])
            if rows is None:
                continue
            if allowed is not None:
                rows = rows[np.isin(rows, allowed)]
            heads = [int(r) for r in rows if cols["item"][r] == HEADER]
            if not heads:
                continue
            at = next(i for i, h in enumerate(out) if h.chunk.meeting_id == mid)
            out = [h for h in out if not (h.chunk.meeting_id == mid and h.chunk.item == HEADER)]
            chunk = self.index.chunks[heads[0]]
            out.insert(at + 1, Hit(chunk=chunk, score=out[at].score,
                                   coverage=self._coverage(terms, weights, chunk, query)))
        return out

    def _query_vector(self, text: str) -> np.ndarray:
        return self._qvecs.get_or_compute(text, lambda: self.embedder.embed_query(text))

    def _fuse(self, dense: list[tuple[int, float]], lexical: list[tuple[int, float]]) -> dict[int, float]:
        s = self.settings
        scores: dict[int, float] = {}
        if s.fusion == "rrf":
            for rank, (row, _) in enumerate(dense):
                scores[row] = scores.get(row, 0.0) + s.dense_weight / (s.rrf_k + rank + 1)
            for rank, (row, _) in enumerate(lexical):
                scores[row] = scores.get(row, 0.0) + s.lexical_weight / (s.rrf_k + rank + 1)
            return scores
        # weighted: min-max normalised scores
        for weight, ranking in ((s.dense_weight, dense), (s.lexical_weight, lexical)):
            if not ranking:
                continue
            vals = np.array([v for _, v in ranking], dtype=np.float32)
            lo, hi = float(vals.min()), float(vals.max())
            for row, v in ranking:
                norm = (v - lo) / (hi - lo) if hi > lo else 1.0
                scores[row] = scores.get(row, 0.0) + weight * norm
        return scores

    def item_terms(self, meeting_id: str, item: str) -> frozenset[str]:
        """Analysed terms of a whole agenda item (title + text), cached."""
        return self._item_terms(meeting_id, item)[0]

    def absent_terms(self, terms: Sequence[str], keys: Iterable[tuple[str, str]]) -> list[str]:
        """The ``terms`` that none of the items ``keys`` ((meeting id, item)) has in any form."""
        have = [self._item_terms(mid, item) for mid, item in keys]
        return [t for t in terms if not any(_presence(t, h, o) for h, o in have)]

    def _item_terms(self, meeting_id: str, item: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """An item's analysed terms as a set and sorted (for ``_presence``), from a small LRU."""
        def compute() -> tuple[frozenset[str], tuple[str, ...]]:
            ordered = self._stored_terms(meeting_id, item)
            return frozenset(ordered), ordered

        return self._terms_cache.get_or_compute((meeting_id, item), compute)

    def _stored_terms(self, meeting_id: str, item: str) -> tuple[str, ...]:
        """The item's sorted terms as the build stored them, else (older builds) analysed now."""
        stored = self.index.item_terms
        ordered = stored.get(meeting_id, item) if stored is not None else None
        if ordered is None:
            text = item_text(self.index.meetings.get(meeting_id), item)
            ordered = tuple(sorted(frozenset(self.index.lexical.analyzer(text))))
        return ordered

    def _coverage(self, terms: list[str], weights: dict[str, float], chunk: Chunk, query: Query) -> float:
        """IDF-weighted share of the question's content terms that the whole item contains."""
        if is_asked_unit(chunk, query):
            return 1.0
        if not terms:
            return 0.0
        have, ordered = self._item_terms(chunk.meeting_id, chunk.item)
        groups = self._term_groups(query, tuple(terms))
        grouped = {t for group in groups for side in group for t in side}
        total = sum(weights.get(t, 1.0) for t in terms if t not in grouped)
        found = sum(weights.get(t, 1.0) * _presence(t, have, ordered) for t in terms if t not in grouped)
        for sides in groups:  # "LSR" or "lokale samarbejdsråd": the better-covered spelling counts
            mass = [sum(weights.get(t, 1.0) for t in side) for side in sides]
            share = max(sum(weights.get(t, 1.0) * _presence(t, have, ordered) for t in side) / m
                        for side, m in zip(sides, mass, strict=True) if m)
            total += max(mass)
            found += max(mass) * share
        return found / total if total else 0.0

    def _term_groups(self, query: Query, terms: tuple[str, ...]) -> _Groups:
        """The question's terms of each abbreviation and its spelled-out phrase (two sides)."""
        if not query.abbreviations:
            return ()

        def compute() -> _Groups:
            analyzer = self.index.lexical.analyzer
            out = []
            for abbr, phrase in query.abbreviations:
                sides = (tuple(t for t in analyzer(abbr) if t in terms),
                         tuple(t for t in analyzer(phrase) if t in terms))
                if all(sides):
                    out.append(sides)
            return tuple(out)

        # Asked once per candidate item: analyse the question's abbreviations once.
        return self._groups.get_or_compute((query.abbreviations, terms), compute)

    @staticmethod
    def _boost(chunk: Chunk | _Head, query: Query) -> float:
        """Score factor for an item in the question's soft period or of the kind the question asks for."""
        boost = 1.0
        if query.soft_period and chunk.date and query.date_from and query.date_to and (
            query.date_from <= chunk.date <= query.date_to
        ):
            boost += SOFT_PERIOD_BOOST
        if is_asked_unit(chunk, query):
            boost += ASKED_UNIT_BOOST
        return boost

    def _to_items(
        self, fused: dict[int, float], dense: dict[int, float], lexical: dict[int, float],
        query: Query, terms: list[str], weights: dict[str, float],
    ) -> list[Hit]:
        """One hit per item (its best chunk), boosted, best first; a Hit is made only for the
        items kept (~100 candidate items, 20 kept: ``dataclasses.replace`` costs ~5 us each)."""
        cols = self.index.chunks.columns
        meeting_ids, numbers, titles, dates = cols["meeting_id"], cols["item"], cols["title"], cols["date"]
        best: dict[tuple[str, str], tuple[int, float]] = {}
        for row, score in sorted(fused.items(), key=lambda kv: -kv[1]):
            best.setdefault((meeting_ids[row], numbers[row]), (row, score))
        ranked = heapq.nlargest(BOOST_SPREAD_RANK, (score for _, score in best.values()))
        top = (ranked[0] if ranked else 0.0) or 1.0
        # A boost lifts an item by a share of the candidates' relevance spread, not of its score:
        # fused RRF scores of the best 20 items lie within a few percent of each other, so a
        # plain +15% for "the asked year" would put every item of that year above the one item
        # that answers.
        spread = max(1.0 - ranked[-1] / top, MIN_SPREAD) if ranked else 1.0
        # Ranked from the store's columns: only the kept items' chunks are decoded (~25 us each).
        # The item the question names by number ("punkt 3") is lifted outright.
        items = [(row, score / top + spread * (self._boost(_Head(numbers[row], titles[row], dates[row]), query) - 1.0)
                  + (ITEM_NUMBER_BONUS if query.item_number and numbers[row] == query.item_number else 0.0))
                 for row, score in best.values()]
        items.sort(key=lambda item: -item[1])
        # Coverage only for the items that can still matter.
        chunks = self.index.chunks
        return [Hit(chunk=chunks[row], score=score, dense_score=dense.get(row), lexical_score=lexical.get(row),
                    coverage=self._coverage(terms, weights, chunks[row], query))
                for row, score in items[: max(self.settings.top_k * 4, 20)]]
