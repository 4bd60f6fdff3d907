"""Item terms stored at build time equal the ones computed from the text; the terms cache is a
bounded LRU; older builds without stored terms still work; the scoped exact dense search through
FAISS's flat storage finds what the numpy copy finds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import rag.index as index_mod
import rag.retrieve as retrieve_mod
from rag import store
from rag.embed.fake import FakeEmbedder
from rag.errors import IndexCorrupt
from rag.index import Index, IndexDoc, build_index, item_text, top_exact
from rag.pipeline import Pipeline
from rag.settings import IndexSettings
from rag.types import HEADER, AgendaItem, Chunk, HeaderUnit, Meeting
from tests.conftest import MINUTES, make_settings

ITEM_TERM_FILES = (store.ITEM_TERMS, store.ITEM_TERM_IDS, store.ITEM_TERM_OFFSETS)


def _keys(index: Index) -> list[tuple[str, str]]:
    cols = index.chunks.columns
    return list(dict.fromkeys(zip(cols["meeting_id"], cols["item"], strict=True)))


def _computed(index: Index, meeting_id: str, item: str) -> tuple[str, ...]:
    """What ``Retriever`` computed before terms were stored: the item's text through the analyzer."""
    return tuple(sorted(set(index.lexical.analyzer(item_text(index.meetings.get(meeting_id), item)))))


@pytest.fixture(scope="module")
def pipeline(fake_settings) -> Pipeline:
    return Pipeline(fake_settings)


def test_stored_terms_equal_computed_terms(pipeline: Pipeline) -> None:
    index = pipeline.index()
    assert index.item_terms is not None
    keys = _keys(index)
    assert any(item == HEADER for _, item in keys)
    for mid, item in keys:
        stored = index.item_terms.get(mid, item)
        assert stored == _computed(index, mid, item), (mid, item)
        assert list(stored) == sorted(stored)  # what _presence bisects
    assert index.item_terms.get("no-such-meeting", "1") is None
    assert index.item_terms.get(keys[0][0], "no-such-item") is None


def test_retriever_terms_come_from_the_build(pipeline: Pipeline, monkeypatch) -> None:
    retriever = retrieve_mod.Retriever(pipeline.index(), pipeline.embedder, pipeline.settings.retrieval)
    mid, item = _keys(retriever.index)[1]
    want = frozenset(_computed(retriever.index, mid, item))
    monkeypatch.setattr(retriever.index.lexical, "analyzer", None)  # no analysis at question time
    assert retriever.item_terms(mid, item) == want


def test_older_build_without_stored_terms_computes_the_same(tmp_path: Path, pipeline: Pipeline) -> None:
    settings = make_settings(tmp_path / "index")
    Pipeline(settings).ingest([MINUTES])
    build = store.current_build_dir(settings.index.dir)
    assert build is not None
    for name in ITEM_TERM_FILES:
        (build / name).unlink()
    old = Pipeline(settings)
    assert old.index().item_terms is None
    new = pipeline.retriever()
    for mid, item in _keys(old.index()):
        assert old.retriever().item_terms(mid, item) == new.item_terms(mid, item)
    question = "Hvad besluttede Randersklyngen om IV-behandling?"
    assert old.ask(question).answer == pipeline.ask(question).answer


def test_terms_cache_is_a_bounded_lru(pipeline: Pipeline, monkeypatch) -> None:
    monkeypatch.setattr(retrieve_mod, "TERMS_CACHE_SIZE", 3)
    retriever = retrieve_mod.Retriever(pipeline.index(), pipeline.embedder, pipeline.settings.retrieval)
    keys = _keys(retriever.index)[:6]
    for mid, item in keys[:3]:
        retriever.item_terms(mid, item)
    retriever.item_terms(*keys[0])  # most recently used: survives the next insertion
    retriever.item_terms(*keys[3])
    assert set(retriever._terms_cache) == {keys[0], keys[2], keys[3]}
    for mid, item in keys:
        retriever.item_terms(mid, item)
        assert len(retriever._terms_cache) <= 3


def test_item_term_store_round_trip_and_damage(tmp_path: Path) -> None:
    items = {"m1": ["header", "1", "2"], "m2": ["1"]}
    terms = [["møde", "referat", "møde"], [], ["budget", "aftal", "2021"], ["ø", "a"]]
    store.write_item_terms(tmp_path, items, terms)
    got = store.ItemTermStore.open(tmp_path)
    assert got is not None
    assert got.get("m1", "header") == ("møde", "referat")
    assert got.get("m1", "1") == ()
    assert got.get("m1", "2") == ("2021", "aftal", "budget")
    assert got.get("m2", "1") == ("a", "ø")
    with pytest.raises(ValueError, match="term sets"):
        store.write_item_terms(tmp_path, items, terms[:3])
    store.save_array(tmp_path / store.ITEM_TERM_OFFSETS, np.array([0, 2, 2], dtype=np.int64))
    with pytest.raises(ValueError, match="offsets"):
        store.ItemTermStore.open(tmp_path)
    store.write_item_terms(tmp_path, {}, [])
    empty = store.ItemTermStore.open(tmp_path)
    assert empty is not None and empty.get("m1", "1") is None
    assert store.ItemTermStore.open(tmp_path / "missing") is None


@pytest.mark.parametrize("damage", [
    lambda b: (b / store.ITEM_TERM_IDS).unlink(),
    lambda b: (b / store.ITEM_TERM_IDS).write_bytes((b / store.ITEM_TERM_IDS).read_bytes()[:-8]),
    lambda b: (b / store.ITEM_TERM_OFFSETS).write_bytes(b"not an array"),
    lambda b: (b / store.ITEM_TERMS).write_bytes(b'{"vocab": ['),
], ids=["ids deleted", "ids truncated", "offsets garbage", "json cut"])
def test_damaged_item_terms_are_reported_as_corrupt(tmp_path: Path, damage) -> None:
    settings = make_settings(tmp_path / "index")
    Pipeline(settings).ingest([MINUTES])
    build = store.current_build_dir(settings.index.dir)
    assert build is not None
    damage(build)
    with pytest.raises(IndexCorrupt):
        Index.load(settings.index.dir, FakeEmbedder())


SENTENCES = ["budget demens", "rygestop og vaccination", "psykiatri", "telemedicin til borgere",
             "genoptræning efter hoftebrud", "budget"]


def _docs(n_meetings: int, items: int, seed: int = 3) -> list[IndexDoc]:
    """Meetings whose items repeat a few texts, so that many vectors (and scores) tie."""
    rng = np.random.default_rng(seed)
    docs = []
    for m in range(n_meetings):
        mid, cluster = f"m{m:03d}", ("Nord", "Syd")[m % 2]
        texts = [SENTENCES[i] for i in rng.integers(0, len(SENTENCES), items)]
        meeting = Meeting(
            id=mid, file=f"{mid}.txt", cluster=cluster, body="Styregruppen", date=f"20{10 + m % 10}-01-01",
            place=None, title=None, participants=(), header=HeaderUnit(text="", participants=(), pages=()),
            items=tuple(AgendaItem(number=str(i + 1), title=t, text=t, sections=(), decision=None, pages=())
                        for i, t in enumerate(texts)),
        )
        chunks = [Chunk(id=f"{mid}#{i + 1}#0", meeting_id=mid, file=meeting.file, item=str(i + 1), title=t,
                        text=t, search_text=t, cluster=cluster, body=None, date=meeting.date, scope=cluster)
                  for i, t in enumerate(texts)]
        docs.append(IndexDoc(file=meeting.file, sha256=mid, meeting=meeting, chunks=chunks, scope=cluster))
    return docs


def test_scoped_exact_search_through_faiss_is_exact(tmp_path: Path, monkeypatch) -> None:
    """Above COPY_FILTER_ROWS: every row tied with the k-th is fetched, so ties go by row as in
    ``top_exact``, and the scores are the numpy ones up to float32 rounding."""
    embedder = FakeEmbedder(32)
    build_index(tmp_path, embedder, _docs(40, 10), settings=IndexSettings(hnsw_threshold=10))
    index = Index.load(tmp_path, embedder)
    assert index.manifest["index_type"] == "hnsw_flat_ip"
    monkeypatch.setattr(index_mod, "COPY_FILTER_ROWS", 0)  # every filter takes the FAISS path
    n = len(index)
    vectors = index.vectors_for(np.arange(n))
    for scope in (index.rows(cluster="Nord"), index.rows(date_from="2012", date_to="2015"), np.arange(7)):
        assert scope is not None
        for topic in SENTENCES:
            q = embedder.embed_query(topic)
            q = (q / np.linalg.norm(q)).astype(np.float32)
            d, i = index._flat.search(q.reshape(1, -1), n)  # FAISS's score of every row
            faiss_scores = np.empty(n, dtype=np.float32)
            faiss_scores[i[0]] = d[0]
            for k in (1, 5, 50, len(scope) + 3):
                got = index.dense_search(q, k, scope)
                assert got == top_exact(scope, faiss_scores[scope], k), (topic, k)
                numpy = dict(top_exact(scope, vectors[scope] @ q, len(scope)))
                assert [s for _, s in got] == pytest.approx([numpy[r] for r, _ in got], abs=1e-6)
    assert index.dense_search(embedder.embed_query("budget"), 0, np.arange(5)) == []


def test_item_terms_survive_a_reused_lexical_index(tmp_path: Path) -> None:
    """A build that links the previous BM25 index still stores terms (from the saved word forms)."""
    embedder = FakeEmbedder(32)
    docs = _docs(4, 3)
    build_index(tmp_path, embedder, docs, settings=IndexSettings())
    first = Index.load(tmp_path, embedder)
    build_index(tmp_path, embedder, docs, settings=IndexSettings())
    second = Index.load(tmp_path, embedder)
    assert second.build_id != first.build_id
    assert second.item_terms is not None and first.item_terms is not None
    for mid, item in _keys(second):
        assert second.item_terms.get(mid, item) == first.item_terms.get(mid, item) == _computed(second, mid, item)


def test_decoded_meetings_and_chunks_stay_bounded(fake_settings, monkeypatch):
    """A long-running server touching every item keeps at most the configured decoded objects."""
    from rag import store
    from rag.pipeline import Pipeline

    monkeypatch.setattr(store, "MEETING_CACHE_SIZE", 2)
    monkeypatch.setattr(store, "CHUNK_CACHE_SIZE", 5)
    build_dir = store.current_build_dir(Pipeline(fake_settings).index_dir)
    assert build_dir is not None
    fresh_meetings = store.MeetingStore.open(build_dir)
    ids = list(fresh_meetings)
    first = fresh_meetings[ids[0]]
    for mid in ids:
        assert fresh_meetings[mid].id == mid
    assert len(fresh_meetings._cache) == 2
    assert fresh_meetings[ids[0]] == first  # evicted, decoded again, equal
    chunks = store.ChunkStore(build_dir)
    all_chunks = list(chunks)
    assert len(all_chunks) == len(chunks) > 5 and len(chunks._cache) == 5
    assert chunks[-1] == all_chunks[-1] and chunks[0] == all_chunks[0]
