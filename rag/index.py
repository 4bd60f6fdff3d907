"""The on-disk index: FAISS vectors + chunk store + meetings + BM25, built atomically and incrementally.

Layout::

    <index_dir>/
      current -> builds/<build-id>          symlink, swapped atomically
      builds/<build-id>/
        manifest.json                       embedder, dim, index type, documents
        faiss.index                         IndexFlatIP, or IndexHNSWFlat from settings.hnsw_threshold
        vectors.npy  vector_keys.npy        float32 vectors and their cache keys
        chunks.json  chunks.*.txt  chunks.offsets.npy   chunk store (rag.store)
        meetings.json  meetings.idx.json    meetings, one per line
        lexical/                            rag.lexical.LexicalIndex
        item_terms.json  item_terms.*.npy   each item's analysed terms (rag.store.ItemTermStore)
      builds/.tmp-<build-id>/               a build being written (never visible via current)

A build is written to ``builds/.tmp-*``, fsynced, renamed, and only then made
current. The previous build is kept for rollback; older ones are deleted.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from rag import store
from rag.chunk import header_text
from rag.errors import EmbedderMismatch, IndexNotBuilt
from rag.lexical import ANALYZER_ID, Analyzer, LexicalIndex, load_analyzer
from rag.settings import IndexSettings
from rag.types import HEADER, Chunk, Embedder, Meeting

logger = logging.getLogger(__name__)
_FAISS: Any = faiss  # faiss' stubs lack SearchParametersHNSW and the ``sel=`` keyword

EMBED_BATCH = 64
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
# With HNSW, a filter this selective is answered exactly: graph search through mostly-excluded
# nodes loses recall (0.36 recall@10 on such filters of the 100k bench).
EXACT_FILTER_ROWS = 20_000
# Up to this many rows, their vectors are copied and scored by numpy (~0.2 ms at 2k rows). Above,
# FAISS scans the HNSW index's own flat copy of the vectors with a bitmap selector: the same exact
# search without copying up to 30 MB of vectors per question (4.4 -> 2.5 ms at 8k-20k rows).
COPY_FILTER_ROWS = 4_096


@dataclass
class IndexDoc:
    """One parsed and chunked file handed to :func:`build_index`."""

    file: str
    sha256: str
    meeting: Meeting
    chunks: list[Chunk]
    scope: str | None = None


@dataclass
class BuildReport:
    """What a build did."""

    files_added: int
    files_updated: int
    files_unchanged: int
    files_removed: int
    chunks_embedded: int
    chunks_reused: int
    n_chunks: int
    n_meetings: int
    build_dir: Path
    seconds: float


@dataclass
class _Entry:
    file: str
    sha256: str
    meeting: Meeting
    chunks: list[Chunk]
    scope: str | None
    ingested_at: str


@dataclass
class _Previous:
    manifest: dict[str, Any]
    chunks: store.ChunkStore
    meetings: store.MeetingStore
    vectors: np.ndarray
    keys: dict[bytes, int]
    raw_keys: np.ndarray | None = None
    build_dir: Path | None = None


def current_build_id(index_dir: Path) -> str | None:
    """Id of the active build (a readlink), so a server can notice a new build and reload."""
    target = store.current_build_dir(Path(index_dir))
    return target.name if target is not None else None


def cache_key(embedder_id: str, text: str) -> bytes:
    """Embedding-cache key of a chunk text."""
    return hashlib.sha256(f"{embedder_id}\x00{text}".encode()).digest()


def _load_previous(index_dir: Path, embedder: Embedder, rebuild: bool) -> _Previous | None:
    """The current build's documents (and, unless ``rebuild``, its vectors for reuse)."""
    build_dir = store.current_build_dir(index_dir)
    if build_dir is None:
        return None
    try:
        manifest = store.read_manifest(build_dir)
        if not rebuild:
            store.check_embedder(manifest, embedder, index_dir)
        chunks = store.ChunkStore(build_dir)
        meetings = store.MeetingStore.open(build_dir)
        vectors = np.zeros((0, embedder.dim), dtype=np.float32)
        keys: dict[bytes, int] = {}
        raw_keys: np.ndarray | None = None
        if not rebuild:
            vectors = np.load(build_dir / "vectors.npy", mmap_mode="r")
            raw_keys = np.load(build_dir / "vector_keys.npy")
            if vectors.shape != (len(chunks), embedder.dim) or len(raw_keys) != len(chunks):
                raise ValueError("vectors, keys and chunks disagree")
            keys = {bytes(k): row for row, k in enumerate(raw_keys)}
    except (OSError, ValueError, KeyError, TypeError) as exc:  # TypeError: JSON of the wrong shape
        if rebuild:
            logger.warning("previous build %s is unreadable (%s); rebuilding from scratch", build_dir, exc)
            return None
        raise store.corrupt(build_dir, exc) from exc
    return _Previous(manifest, chunks, meetings, vectors, keys, raw_keys, build_dir)


def build_index(
    index_dir: Path,
    embedder: Embedder,
    docs: Sequence[IndexDoc],
    *,
    settings: IndexSettings,
    prune: bool = False,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Merge ``docs`` into the current build and publish the result atomically.

    Unchanged text is never re-embedded (cache keyed by embedder id + search text). Files of
    the previous build missing from ``docs`` are kept unless ``prune``. ``rebuild`` accepts a
    build made with another embedder: no vector is reused, kept files are re-embedded, and an
    unreadable previous build is ignored (the result then holds ``docs`` only).
    """
    return _build(Path(index_dir), embedder, docs, set(), settings, prune, rebuild, progress)


def remove_documents(
    index_dir: Path, embedder: Embedder, files: Collection[str], settings: IndexSettings
) -> BuildReport:
    """Publish a build without ``files``; raises IndexNotBuilt when there is no index."""
    if store.current_build_dir(Path(index_dir)) is None:
        raise IndexNotBuilt(f"no index at {index_dir}; build one with: rag ingest PATH")
    return _build(Path(index_dir), embedder, [], set(files), settings, False, False, None)


def _build(
    index_dir: Path,
    embedder: Embedder,
    docs: Sequence[IndexDoc],
    remove: set[str],
    settings: IndexSettings,
    prune: bool,
    rebuild: bool,
    progress: Callable[[int, int], None] | None,
) -> BuildReport:
    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    with store.build_lock(index_dir):
        prev = _load_previous(index_dir, embedder, rebuild)
        prev_docs: dict[str, Any] = prev.manifest["documents"] if prev else {}
        now = datetime.now(UTC).isoformat(timespec="seconds")
        given: dict[str, IndexDoc] = {}
        for d in docs:
            if d.file in given:
                logger.warning("file %s given twice; indexing the last one", d.file)
            given[d.file] = d
        entries: list[_Entry] = []
        added = updated = unchanged = 0
        for f, d in given.items():
            old = prev_docs.get(f)
            same = old is not None and old["sha256"] == d.sha256
            added += old is None
            updated += old is not None and not same
            unchanged += same
            at = old["ingested_at"] if same and old is not None else now
            entries.append(_Entry(f, d.sha256, d.meeting, list(d.chunks), d.scope, at))
        removed = [f for f in prev_docs if f not in given and (prune or f in remove)]
        missing = remove - prev_docs.keys()
        if missing:
            logger.warning("%d file(s) to remove are not indexed: %s", len(missing), sorted(missing))
        if prev is not None:
            kept = {f for f in prev_docs if f not in given and f not in removed}
            rows: dict[str, list[Chunk]] = {f: [] for f in kept}
            for row, f in enumerate(prev.chunks.docs):
                if f in rows:
                    rows[f].append(prev.chunks[row])
            for f in kept:
                old = prev_docs[f]
                meeting = prev.meetings[old["meeting_id"]]
                entries.append(_Entry(f, old["sha256"], meeting, rows[f], old["scope"], old["ingested_at"]))
        entries.sort(key=lambda e: e.file)

        chunks = [c for e in entries for c in e.chunks]
        vectors, keys, embedded, reused = _vectors(embedder, chunks, prev, progress)
        build_dir = _write_build(index_dir, embedder, entries, chunks, vectors, keys, settings,
                                 _reusable(prev, keys, settings))
        report = BuildReport(
            files_added=added, files_updated=updated, files_unchanged=unchanged,
            files_removed=len(removed), chunks_embedded=embedded, chunks_reused=reused,
            n_chunks=len(chunks), n_meetings=len({e.meeting.id for e in entries}),
            build_dir=build_dir, seconds=time.perf_counter() - started,
        )
    logger.info(
        "index build %s: %d added, %d updated, %d unchanged, %d removed files; %d chunks embedded, "
        "%d reused; %.1fs", build_dir.name, added, updated, unchanged, len(removed), embedded, reused,
        report.seconds,
    )
    return report


def _vectors(
    embedder: Embedder,
    chunks: Sequence[Chunk],
    prev: _Previous | None,
    progress: Callable[[int, int], None] | None,
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Vectors and cache keys for ``chunks``: copied from the previous build by key, else embedded."""
    keys = [cache_key(embedder.id, c.search_text) for c in chunks]
    out = np.empty((len(chunks), embedder.dim), dtype=np.float32)
    old_keys = prev.keys if prev is not None else {}
    hits = [(row, old_keys[key]) for row, key in enumerate(keys) if key in old_keys]
    if hits and prev is not None:
        new_rows, old_rows = np.array(hits, dtype=np.int64).T
        out[new_rows] = prev.vectors[old_rows]
    todo: dict[bytes, list[int]] = {}  # identical texts are embedded once
    for row, key in enumerate(keys):
        if key not in old_keys:
            todo.setdefault(key, []).append(row)
    pending = list(todo.values())
    for start in range(0, len(pending), EMBED_BATCH):
        batch = pending[start : start + EMBED_BATCH]
        vecs = np.asarray(embedder.embed_documents([chunks[rows[0]].search_text for rows in batch]))
        if vecs.shape != (len(batch), embedder.dim):
            want = (len(batch), embedder.dim)
            raise EmbedderMismatch(f"embedder {embedder.id!r} returned shape {vecs.shape}, expected {want}")
        vecs = np.ascontiguousarray(vecs, dtype=np.float32)
        faiss.normalize_L2(vecs)
        for rows, vec in zip(batch, vecs, strict=True):
            out[rows] = vec
        if progress is not None:
            progress(min(start + EMBED_BATCH, len(pending)), len(pending))
    key_array = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(chunks), 32)
    return out, key_array, len(chunks) - len(hits), len(hits)


def _index_kind(n: int, settings: IndexSettings) -> str:
    return "hnsw_flat_ip" if n >= settings.hnsw_threshold else "flat_ip"


def _reusable(prev: _Previous | None, keys: np.ndarray, settings: IndexSettings) -> Path | None:
    """The previous build folder when its FAISS index and BM25 index can be reused as they are.

    Same embedder (checked on load), same search texts in the same row order (the cache keys
    hash embedder id + search text) and same index type: both would be rebuilt bit for bit, and
    an HNSW build of 100k+ chunks takes minutes, so an unchanged re-ingest links the files instead.
    """
    if prev is None or prev.raw_keys is None or prev.raw_keys.shape != keys.shape:
        return None
    if prev.manifest.get("index_type") != _index_kind(len(keys), settings):
        return None
    if prev.manifest.get("analyzer_id") != ANALYZER_ID:
        return None  # another analyzer made its BM25 index and item terms (an upgrade): build them anew
    if not np.array_equal(prev.raw_keys, keys):
        return None
    return prev.build_dir


def _make_faiss(vectors: np.ndarray, dim: int, settings: IndexSettings) -> tuple[Any, str]:
    index: Any  # faiss' type stubs know neither IndexHNSWFlat.hnsw nor search parameters
    if _index_kind(len(vectors), settings) == "hnsw_flat_ip":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        kind = "hnsw_flat_ip"
    else:
        index = faiss.IndexFlatIP(dim)
        kind = "flat_ip"
    if len(vectors):
        index.add(vectors)
    return index, kind


def _write_build(
    index_dir: Path,
    embedder: Embedder,
    entries: Sequence[_Entry],
    chunks: Sequence[Chunk],
    vectors: np.ndarray,
    keys: np.ndarray,
    settings: IndexSettings,
    reuse: Path | None = None,
) -> Path:
    """Write a complete build to a temp folder, rename it into place and make it current.

    ``reuse``: a previous build whose ``faiss.index`` and ``lexical/`` are valid for these rows
    (see :func:`_reusable`); they are hard-linked (builds are immutable) or copied.
    """
    build_id = store.new_build_id()

    def write(tmp: Path) -> None:
        if reuse is not None:
            store.link_or_copy(reuse / "faiss.index", tmp / "faiss.index")
            store.link_or_copy(reuse / "lexical", tmp / "lexical")
            kind = _index_kind(len(vectors), settings)
            logger.info("search texts unchanged: reusing FAISS and BM25 indexes of %s", reuse.name)
        else:
            index, kind = _make_faiss(vectors, embedder.dim, settings)
            faiss.write_index(index, str(tmp / "faiss.index"))
        store.save_array(tmp / "vectors.npy", vectors)
        store.save_array(tmp / "vector_keys.npy", keys)
        store.write_chunks(tmp, chunks, [e.file for e in entries for _ in e.chunks])
        meetings: dict[str, Meeting] = {}
        for e in entries:
            if e.meeting.id in meetings and meetings[e.meeting.id] != e.meeting:
                logger.warning("meeting id %s comes from two files; keeping %s", e.meeting.id, e.file)
            meetings[e.meeting.id] = e.meeting
        store.write_meetings(tmp, list(meetings.values()))
        if reuse is None:
            lexical = LexicalIndex.build([c.search_text for c in chunks])
            lexical.save(tmp / "lexical")
            analyzer = lexical.analyzer  # its word cache is warm from indexing the chunks
            del lexical
        else:
            analyzer = load_analyzer(tmp / "lexical")
        _write_item_terms(tmp, chunks, meetings, analyzer)
        manifest = {
            "format_version": store.FORMAT_VERSION,
            "build_id": build_id,
            "embedder_id": embedder.id,
            "dim": embedder.dim,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "index_type": kind,
            "analyzer_id": ANALYZER_ID,
            "hnsw": {"M": HNSW_M, "ef_construction": HNSW_EF_CONSTRUCTION, "ef_search": HNSW_EF_SEARCH},
            "n_chunks": len(chunks),
            "n_meetings": len(meetings),
            "documents": {
                e.file: {
                    "sha256": e.sha256, "meeting_id": e.meeting.id, "n_items": len(e.meeting.items),
                    "n_chunks": len(e.chunks), "scope": e.scope, "ingested_at": e.ingested_at,
                }
                for e in entries
            },
        }
        store.write_file(tmp / "manifest.json", store.dumps(manifest))

    return store.publish_build(index_dir, build_id, write)


def item_text(meeting: Meeting | None, item: str) -> str:
    """The whole text of an agenda item (title + text; the header unit for ``HEADER``) whose
    analysed terms measure how much of a question an item covers. One definition for the terms
    a build stores and those computed for older builds, so the two cannot differ. (Kept out of
    rag.chunk: editing that module marks every indexed file as changed.)"""
    if meeting is None:
        return ""
    if item == HEADER:
        return header_text(meeting)
    return next((f"{i.title}\n{i.text}" for i in meeting.items if i.number == item), "")


def _write_item_terms(
    build_dir: Path, chunks: Sequence[Chunk], meetings: Mapping[str, Meeting], analyzer: Analyzer
) -> None:
    """Store the analysed terms of every indexed item (see ``store.ItemTermStore``).

    The terms are those ``Retriever`` computes for a build without them: the same text
    (``item_text`` of the stored meeting) through the same analyzer (this build's word forms).
    """
    started = time.perf_counter()
    items: dict[str, list[str]] = {}
    for mid, item in dict.fromkeys((c.meeting_id, c.item) for c in chunks):
        items.setdefault(mid, []).append(item)
    terms = (analyzer(item_text(meetings.get(mid), item)) for mid, numbers in items.items() for item in numbers)
    store.write_item_terms(build_dir, items, terms)
    logger.info("item terms: %d items in %.1fs", sum(map(len, items.values())), time.perf_counter() - started)


def id_bitmap(allowed: np.ndarray, n: int) -> Any:
    """A FAISS selector of the rows ``allowed`` (ids in [0, n)), as a bitmap of n bits.

    ``IDSelectorBatch`` puts every id in a hash set: ~6 ms for the 50k rows of a cluster at
    100k items, more than the search itself. The bitmap is built by numpy in ~0.1 ms and
    answers the same membership test, so the search visits the same rows and returns the same hits.
    """
    bits = np.zeros(n, dtype=bool)
    bits[allowed] = True
    return _FAISS.IDSelectorBitmap(np.packbits(bits, bitorder="little"))


def _search_one(index: Any, q: np.ndarray, k: int, params: Any) -> tuple[np.ndarray, np.ndarray]:
    """Scores and ids of FAISS's top ``k`` for the one query ``q`` (shape (1, d)).

    One OpenMP thread per query: a single query gains nothing from a team (HNSW parallelises
    over queries; flat search of one query is sequential), while the idle team threads
    spin-wait and steal the cores that concurrent requests need. libgomp keeps this setting
    per calling thread, so it is set on each (API worker) thread and restored for builds.
    """
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        scores, ids = index.search(q, k, params=params)
    finally:
        faiss.omp_set_num_threads(threads)
    return scores[0], ids[0]


def top_exact(rows: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The ``k`` best (row, score): score descending, ties by row -- the order of a full lexsort.

    Only rows scoring at least the k-th best score are sorted (~0.1 ms instead of ~1.7 ms for
    20k rows); every row tied with the k-th best is kept, so the order is the same. NaN scores
    (which a sort puts last) take the plain full sort.
    """
    if 0 < k < len(scores) and not np.isnan(scores).any():
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= kth
        rows, scores = rows[keep], scores[keep]
    best = np.lexsort((rows, -scores))[:k]
    return [(int(rows[i]), float(scores[i])) for i in best]


class Index:
    """A loaded, read-only build: chunks, meetings, FAISS and BM25, with vectorised metadata filters."""

    def __init__(
        self,
        build_dir: Path,
        manifest: dict[str, Any],
        chunks: store.ChunkStore,
        meetings: store.MeetingStore,
        faiss_index: Any,
        vectors: np.ndarray,
        lexical: LexicalIndex,
        item_terms: store.ItemTermStore | None = None,
    ) -> None:
        self.build_dir = build_dir
        self.build_id = build_dir.name
        self.manifest = manifest
        self.chunks = chunks
        self.meetings = meetings
        self.lexical = lexical
        self.item_terms = item_terms
        """Each item's analysed terms as stored by the build; None for builds made before."""
        self._faiss = faiss_index
        self._vectors = vectors
        self._hnsw = manifest["index_type"] == "hnsw_flat_ip"
        self._flat: Any = None  # exact search over the HNSW index's vectors (shares its memory)
        if self._hnsw:
            faiss_index.hnsw.efSearch = manifest["hnsw"]["ef_search"]
            self._flat = faiss.downcast_index(faiss_index.storage)

    @classmethod
    def load(cls, index_dir: Path, embedder: Embedder) -> Index:
        """Open the current build; raises IndexNotBuilt, EmbedderMismatch or IndexCorrupt."""
        index_dir = Path(index_dir)
        build_dir = store.current_build_dir(index_dir)
        if build_dir is None:
            raise IndexNotBuilt(f"no index at {index_dir}; build one with: rag ingest PATH")
        try:
            manifest = store.read_manifest(build_dir)
        except (OSError, ValueError) as exc:
            raise store.corrupt(build_dir, exc) from exc
        store.check_embedder(manifest, embedder, index_dir)
        started = time.perf_counter()
        n = manifest["n_chunks"]
        try:
            chunks = store.ChunkStore(build_dir)
            meetings = store.MeetingStore.open(build_dir)
            faiss_index = faiss.read_index(str(build_dir / "faiss.index"))
            vectors = np.load(build_dir / "vectors.npy", mmap_mode="r")
            lexical = LexicalIndex.load(build_dir / "lexical")
            item_terms = store.ItemTermStore.open(build_dir)
            sizes = {
                "chunk store": len(chunks), "faiss": faiss_index.ntotal, "vectors": len(vectors),
                "lexical": lexical.n_docs,
            }
            if any(v != n for v in sizes.values()) or faiss_index.d != embedder.dim:
                raise ValueError(f"manifest says {n} chunks of dim {manifest['dim']}, found {sizes}")
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:  # TypeError: JSON of the wrong shape
            raise store.corrupt(build_dir, exc) from exc
        logger.info("loaded index %s: %d chunks in %.2fs", build_dir.name, n, time.perf_counter() - started)
        if manifest.get("analyzer_id") != ANALYZER_ID:
            logger.warning("index %s was built by another version of the Danish analyzer: lexical search may "
                           "miss words until it is rebuilt (rag ingest PATH rebuilds it)", build_dir.name)
        return cls(build_dir, manifest, chunks, meetings, faiss_index, vectors, lexical, item_terms)

    def __len__(self) -> int:
        return len(self.chunks)

    def dense_search(
        self, qvec: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top ``k`` (row, inner product) by descending score, only rows in ``allowed`` when given."""
        q = np.ascontiguousarray(np.asarray(qvec, dtype=np.float32).reshape(1, -1))
        if q.shape[1] != self._faiss.d:
            raise ValueError(f"query vector has dim {q.shape[1]}, index has {self._faiss.d}")
        faiss.normalize_L2(q)
        n = len(self.chunks)
        params: Any = None
        if allowed is not None:
            allowed = np.asarray(allowed, dtype=np.int64)
            # rows() returns sorted unique ids; only other callers pay for np.unique (a hash
            # pass that costs ~20 ms on 50k ids, more than the search itself).
            if len(allowed) > 1 and not bool(np.all(allowed[1:] > allowed[:-1])):
                allowed = np.unique(allowed)
            allowed = allowed[(allowed >= 0) & (allowed < n)]
            if self._hnsw and len(allowed) <= COPY_FILTER_ROWS:
                scores = np.asarray(self._vectors[allowed]) @ q[0]
                return top_exact(allowed, scores, k)
            if self._hnsw and len(allowed) <= EXACT_FILTER_ROWS:
                return self._exact_selected(q, k, allowed)
            sel = id_bitmap(allowed, n)
            params = _FAISS.SearchParametersHNSW(sel=sel) if self._hnsw else _FAISS.SearchParameters(sel=sel)
            n = len(allowed)
        k = min(k, n)
        if k <= 0:
            return []
        if self._hnsw:
            params = params or _FAISS.SearchParametersHNSW()
            params.efSearch = max(self.manifest["hnsw"]["ef_search"], k)
        scores, ids = _search_one(self._faiss, q, k, params)
        return [(int(i), float(s)) for s, i in zip(scores, ids, strict=True) if i >= 0]

    def _exact_selected(self, q: np.ndarray, k: int, allowed: np.ndarray) -> list[tuple[int, float]]:
        """Exact top ``k`` of the (non-empty) rows ``allowed``, ties by row like :func:`top_exact`.

        FAISS returns its ``fetch`` best in its own order among equal scores, so more are fetched
        until the last one scores below the k-th: every row tied with the k-th is then at hand.
        """
        sel = id_bitmap(allowed, len(self.chunks))
        want = min(k, len(allowed))
        if want <= 0:
            return []
        fetch = min(2 * want, len(allowed))
        while True:
            scores, ids = _search_one(self._flat, q, fetch, _FAISS.SearchParameters(sel=sel))
            if fetch >= len(allowed) or scores[fetch - 1] < scores[want - 1]:
                break
            fetch = min(4 * fetch, len(allowed))
        found = ids >= 0
        return top_exact(ids[found], scores[found], k)

    def lexical_search(
        self, query: str, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top ``k`` (row, BM25 score) by descending score, only rows in ``allowed`` when given."""
        return self.lexical.search(query, k, allowed)

    def rows(
        self,
        cluster: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        scopes: Collection[str] | None = None,
        meeting_ids: Collection[str] | None = None,
    ) -> np.ndarray | None:
        """Row ids matching every given filter (dates ``YYYY[-MM[-DD]]``, inclusive); None without filters."""
        return self.chunks.rows(cluster, date_from, date_to, scopes, meeting_ids)

    def vectors_for(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """Stored (normalised) vectors of ``rows``, shape (len(rows), dim)."""
        return np.asarray(self._vectors[np.asarray(rows, dtype=np.int64)], dtype=np.float32)
