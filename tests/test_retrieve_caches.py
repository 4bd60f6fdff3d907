"""The retrieval fast paths give what the plain loops gave: scope rows, meeting filters, compound
presence, cluster names, exact top-k, FAISS bitmap selectors, header date lines; caches are bounded."""

from __future__ import annotations

import itertools
import json
import random
import re
from concurrent.futures import ThreadPoolExecutor

import faiss
import numpy as np
import pytest

import rag.answer.extractive as extractive_mod
import rag.retrieve as retrieve_mod
import rag.store as store_mod
from rag.chunk import header_text
from rag.index import id_bitmap, top_exact
from rag.pipeline import Pipeline
from rag.query import _alias_keys, find_clusters, parse_query
from rag.retrieve import Filters, Retriever, _presence
from rag.settings import DEFAULT_CLUSTER_ALIASES as ALIASES
from rag.text import normalize_ws
from tests.conftest import GOLD_QUESTIONS

QUESTIONS = [
    "Hvad besluttede Randersklyngen om IV-behandling i juni 2017?",
    "Hvad blev besluttet på det seneste møde i Midtklyngen?",
    "Hvad skete der på mødet den 22.06.2017?",
    "Hvad skete der på mødet den 23.06.2017?",  # no meeting that day
    "Hvad drøftede Vestklyngen før 2020?",
    "Hvad drøftede Aarhusklyngen i 2019?",  # a cluster not in the collection
    "Hvad er status på rygestop efter 2021?",
    "Hvem deltog i Klynge Syd møder i 2022?",
    "udgifter til ledsagelse i 2018",
]
FILTERS = [
    None, Filters(cluster="Randersklyngen"), Filters(date_from="2019", date_to="2021-06"),
    Filters(scopes=[]), Filters(scopes=["Midtklyngen", "Vestklyngen"]), Filters(scopes=["findes-ikke"]),
]
BOUNDS = [None, "0001-01-01", "2017", "2017-06-22", "2019-06", "2020-06-12", "2022", "2030", "9999-12-31"]


@pytest.fixture(scope="module")
def pipeline(fake_settings) -> Pipeline:
    return Pipeline(fake_settings)


def _table(retriever: Retriever) -> dict[str, tuple[str | None, str | None]]:
    cols = retriever.index.chunks.columns
    table: dict[str, tuple[str | None, str | None]] = {}
    for mid, cluster, day in zip(cols["meeting_id"], cols["cluster"], cols["date"], strict=True):
        table.setdefault(mid, (cluster, day))
    return table


def _meeting_ids_loop(table, clusters, date_from, date_to) -> list[str]:
    """The per-meeting loop that ``_Meetings.select`` replaces."""
    out = []
    for mid, (cluster, day) in table.items():
        if clusters and cluster not in clusters:
            continue
        if (date_from or date_to) and not day:
            continue
        if date_from and day and day < date_from:
            continue
        if date_to and day and day > date_to:
            continue
        out.append(mid)
    return out


def test_meeting_filters_match_the_loop(pipeline: Pipeline) -> None:
    retriever = pipeline.retriever()
    table, meetings = _table(retriever), retriever._meetings
    cluster_sets = [None, [], ["Randersklyngen"], ["Midtklyngen", "Vestklyngen"], ["Ukendt"]]
    for clusters, lo, hi in itertools.product(cluster_sets, BOUNDS, BOUNDS):
        mask = meetings.select(clusters, lo, hi)
        assert meetings.id_list(mask) == _meeting_ids_loop(table, clusters, lo, hi), (clusters, lo, hi)
        ids = meetings.id_list(mask)
        for dates in (("2017-06-22",), ("2019-06-21", "2023-01-27"), ("1999-01-01",)):
            want = [m for m in ids if table[m][1] in dates]
            assert meetings.id_list(meetings.on_dates(mask, dates)) == want
        dated = [m for m in ids if table[m][1]]
        latest = [m for m in dated if table[m][1] == max(table[d][1] for d in dated)] if dated else ids
        assert meetings.id_list(meetings.latest(mask)) == latest


def test_scope_cache_gives_the_uncached_rows_and_is_bounded(pipeline: Pipeline, monkeypatch) -> None:
    retriever = Retriever(pipeline.index(), pipeline.embedder, pipeline.settings.retrieval)
    aliases = pipeline.settings.parse.cluster_aliases
    for text, filters in itertools.product(QUESTIONS, FILTERS):
        query = parse_query(text, aliases)
        rows, refusal, _ = retriever._scope(query, filters or Filters())
        again = retriever._scope(query, filters or Filters())
        assert again[0] is rows and again[1] == refusal  # served from the cache
        assert rows is None or not rows.flags.writeable  # shared between requests: read-only
        fresh = Retriever(pipeline.index(), pipeline.embedder, pipeline.settings.retrieval)
        want_rows, want_refusal, _ = fresh._scope(query, filters or Filters())
        assert refusal == want_refusal
        assert (rows is None) == (want_rows is None)
        if rows is not None and want_rows is not None:
            assert rows.tolist() == want_rows.tolist()
    assert len(retriever._scopes) <= retrieve_mod.SCOPE_CACHE_SIZE

    monkeypatch.setattr(retrieve_mod, "SCOPE_CACHE_SIZE", 2)
    small = Retriever(pipeline.index(), pipeline.embedder, pipeline.settings.retrieval)
    first = parse_query(QUESTIONS[0], aliases)
    kept = small._scope(first, Filters())[0]
    for text in QUESTIONS[1:4]:
        small._scope(parse_query(text, aliases), Filters())
    assert len(small._scopes) == 2
    again = small._scope(first, Filters())[0]
    assert kept is not None and again is not None
    assert again is not kept and again.tolist() == kept.tolist()  # evicted, then computed again


def test_concurrent_retrieval_matches_sequential(pipeline: Pipeline) -> None:
    aliases = pipeline.settings.parse.cluster_aliases
    jobs = [(parse_query(q, aliases), f) for q, f in itertools.product(QUESTIONS, FILTERS)]

    def ids(job):
        r = Retriever(pipeline.index(), pipeline.embedder, pipeline.settings.retrieval)
        return [[(h.chunk.id, h.score) for h in r.retrieve(q, f).hits] for q, f in job]

    shared = pipeline.retriever()

    def run(job):
        q, f = job
        return [(h.chunk.id, h.score) for h in shared.retrieve(q, f).hits]

    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(run, jobs * 3))
    assert concurrent == ids(jobs) * 3


def _presence_scan(term: str, have: frozenset[str]) -> float:
    """The scan over the item's terms that ``_presence`` replaces."""
    if term in have:
        return 1.0
    if len(term) >= 6 and any(len(h) >= 6 and (term.startswith(h) or h.startswith(term)) for h in have):
        return 0.5
    stem = term[: max(8, len(term) - 3)]  # derivations: "palliation" ~ "palliativ"
    if len(term) >= 10 and any(h.startswith(stem) for h in have):
        return 0.5
    return 0.0


def test_presence_matches_the_scan() -> None:
    rnd = random.Random(7)
    words = ["sundhed", "sundhedsaftale", "sundhedsaftalen", "aftale", "klynge", "klyngen", "randersklyngen",
             "rygestop", "ryge", "genoptræning", "genoptræningsplan", "plan", "iv", "ivbehandling", "behandl",
             "behandling", "sundheds", "klyngestyregrupp", "abcdef", "abcdefg", "abcde", "palliation",
             "palliativ", "kommunikation", "kommunikativ", "palliat"]
    for _ in range(500):
        have = frozenset(rnd.sample(words, rnd.randint(0, 8)))
        ordered = tuple(sorted(have))
        for term in words + ["sundhedsa", "klyngestyregruppe", "x", "abcdefgh", "ryges"]:
            assert _presence(term, have, ordered) == _presence_scan(term, have), (term, sorted(have))


def _find_clusters_scan(text: str, aliases: dict[str, list[str]]):
    """``find_clusters`` before the alias table was compiled and prefiltered."""
    word = re.compile(r"[\wæøåÆØÅ]+", re.UNICODE)
    raw = word.findall(text.replace("-", " "))
    toks = [t.lower() for t in raw]
    found: list[str] = []
    spans: list[tuple[int, int]] = []
    used = [False] * len(toks)
    for key, canonical, _ in _alias_keys(aliases):
        for n in (3, 2, 1):
            for i in range(len(toks) - n + 1):
                if any(used[i:i + n]):
                    continue
                joined = "".join(toks[i:i + n])
                forms = {key, key + "s", key + "e"}
                if key.endswith("klyngen"):
                    forms |= {key[:-1], key[:-1] + "s"}
                if joined not in forms:
                    continue
                if len(key) <= 4 and "".join(raw[i:i + n]).upper() != "".join(raw[i:i + n]):
                    continue
                for j in range(i, i + n):
                    used[j] = True
                spans.append((i, i + n))
                if canonical not in found:
                    found.append(canonical)
    return found, spans


def test_find_clusters_matches_the_full_scan(pipeline: Pipeline) -> None:
    aliases = pipeline.settings.parse.cluster_aliases
    texts = [json.loads(line)["question"] for line in GOLD_QUESTIONS.read_text(encoding="utf-8").splitlines()]
    texts += QUESTIONS + ["RRA og rra", "den politiske randersklynge", "Klyngestyregruppe Syd-mødet", ""]
    meetings = pipeline.index().meetings
    texts += [f"{i.title}\n{i.text}" for mid in meetings for i in meetings[mid].items]
    named = 0
    for text in texts:
        assert find_clusters(text, aliases) == _find_clusters_scan(text, aliases), text[:80]
        named += bool(find_clusters(text, aliases)[0])
    assert named > 20  # the texts do name clusters: the prefilter is not trivially skipping all


def test_top_exact_matches_a_full_sort() -> None:
    rng = np.random.default_rng(3)
    for n, k in [(0, 5), (1, 5), (10, 3), (100, 50), (1000, 50), (1000, 1000), (1000, 0), (30, -2)]:
        rows = np.sort(rng.choice(10_000, size=n, replace=False)).astype(np.int64)
        scores = rng.integers(0, 6, size=n).astype(np.float32) / 5  # many ties at the cut-off
        full = np.lexsort((rows, -scores))[:k]
        assert top_exact(rows, scores, k) == [(int(rows[i]), float(scores[i])) for i in full]
    scores = np.array([0.5, np.nan, 0.9, 0.1], dtype=np.float32)
    rows = np.arange(4, dtype=np.int64)
    assert [r for r, _ in top_exact(rows, scores, 2)] == [2, 0]


def test_bitmap_selector_selects_what_the_batch_selector_did() -> None:
    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((500, 16)).astype(np.float32)
    faiss.normalize_L2(vectors)
    index = faiss.IndexFlatIP(16)
    index.add(vectors)
    q = vectors[:3] + 0.1
    for allowed in (np.arange(0, 500, 7), np.array([0, 499]), np.array([], dtype=np.int64), np.arange(500)):
        allowed = allowed.astype(np.int64)
        bitmap, batch = id_bitmap(allowed, 500), faiss.IDSelectorBatch(allowed)
        assert all(bitmap.is_member(i) == batch.is_member(i) for i in range(-3, 510))
        got = index.search(q, 10, params=faiss.SearchParameters(sel=bitmap))
        want = index.search(q, 10, params=faiss.SearchParameters(sel=batch))
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def test_rows_of_few_meetings_match_the_full_scan(pipeline: Pipeline, monkeypatch) -> None:
    chunks = pipeline.index().chunks
    mids = list(dict.fromkeys(chunks.columns["meeting_id"]))
    cases = [dict(meeting_ids=m) for m in ([], mids[:1], mids[1:3], mids[:1] * 2, ["findes-ikke"], mids)]
    cases += [dict(meeting_ids=mids[:3], cluster="Randersklyngen"), dict(meeting_ids=mids[:2], date_from="2019"),
              dict(meeting_ids=mids, scopes=["Midtklyngen"]), dict(meeting_ids=mids[:4], scopes=[], date_to="2022")]
    fast = [chunks.rows(**case) for case in cases]
    monkeypatch.setattr(store_mod, "FEW_MEETINGS", -1)  # every meeting filter tests every row
    for case, got in zip(cases, fast, strict=True):
        want = chunks.rows(**case)
        assert got is not None and want is not None
        assert got.dtype == want.dtype and got.tolist() == want.tolist(), case


def test_header_date_lines_are_cached_and_bounded(pipeline: Pipeline, monkeypatch) -> None:
    meetings = pipeline.index().meetings
    extractive_mod._date_lines_cache.clear()
    for mid in meetings:
        m = meetings[mid]
        want = extractive_mod._date_lines(m)
        assert extractive_mod._date_lines(m) is want  # from the cache
        text = normalize_ws(header_text(m))
        for quote in want:  # short, verbatim, about when or where
            assert quote in text and len(quote.split()) <= extractive_mod.HEADER_QUOTE_WORDS
            assert extractive_mod._WHEN_WHERE.search(quote)
    monkeypatch.setattr(extractive_mod._date_lines_cache, "size", 2)
    extractive_mod._date_lines_cache.clear()
    for mid in meetings:
        extractive_mod._date_lines(meetings[mid])
    assert len(extractive_mod._date_lines_cache) <= 2


def test_coverage_counts_an_abbreviation_or_its_spelled_out_phrase(pipeline: Pipeline) -> None:
    """Midtklyngen's psychiatry item says "LSR", not "lokale samarbejdsråd": with the question's
    "(LSR)" it covers the question fully, without it only partly."""
    retriever = pipeline.retriever()
    with_abbr = parse_query("Hvad siger referaterne om de lokale samarbejdsråd (LSR) i psykiatrien?", ALIASES)
    plain = parse_query("Hvad siger referaterne om de lokale samarbejdsråd og LSR i psykiatrien?", ALIASES)

    def coverage(query) -> float:
        hits = retriever.retrieve(query, None, 20).hits
        return next(h.coverage for h in hits if h.chunk.file.startswith("001_") and h.chunk.item == "8")

    assert coverage(with_abbr) == pytest.approx(1.0)
    assert coverage(plain) < 0.5
