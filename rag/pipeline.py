"""The service's use cases: ingest files, search, ask. The CLI and the API call only this.

The loaded index is swapped without a restart when a newer build appears on
disk (``rag ingest`` from another process): each request checks the cheap
``current`` link and reloads when it moved, so asking during a re-ingest keeps
answering from the previous build until the new one is complete.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rag.answer.extractive import answer_extractive, refusal
from rag.answer.llm import answer_llm, chunks_of, draft, finish, stream_llm
from rag.chunk import chunk_meeting, format_date
from rag.embed import make_embedder
from rag.errors import BackendUnavailable, BadQuestion, GenerationError, IngestError, ParseError
from rag.generate import make_generator
from rag.index import BuildReport, Index, IndexDoc, build_index, current_build_id, remove_documents
from rag.ingest import load_many
from rag.lexical import ANALYZER_ID, respell
from rag.parse import parse_minutes
from rag.prompt import load_prompts
from rag.query import Query, find_clusters, parse_query
from rag.retrieve import Filters, Retrieval, Retriever, is_asked_unit
from rag.settings import IndexSettings, ParseSettings, Settings
from rag.store import current_build_dir, read_manifest
from rag.types import HEADER, Answer, Chunk, Document, Embedder, Generator, Hit, Meeting

logger = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """What an ingest did: the index build report plus files that were skipped and why."""

    build: BuildReport | None
    files: int = 0
    meetings: int = 0
    items: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0
    """Files already indexed with the same content and the same parser: not even re-parsed."""


PARALLEL_PARSE_MIN_FILES = 32
"""Parse in worker processes from this many files per worker (a worker starts in ~1 s)."""
FULL_COVERAGE = 0.99  # an item with every content term of the question (coverage is IDF-weighted)
_WORDS = re.compile(r"[\w-]+")

_Parsed = tuple[Meeting | None, list[Chunk], str | None]


def _parse_one(job: tuple[str, str, str | None, ParseSettings, IndexSettings]) -> _Parsed:
    """(meeting, chunks, None), or (None, [], reason) for a file that does not parse."""
    text, path, scope, parse_settings, index_settings = job
    try:
        meeting = parse_minutes(text, path, parse_settings)
    except ParseError as exc:
        return None, [], str(exc)
    if not meeting.items:
        return meeting, [], None
    doc_scope = scope if scope is not None else meeting.cluster
    return meeting, chunk_meeting(meeting, index_settings, scope=doc_scope), None


class Pipeline:
    """Ingest and question answering over one index folder."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None,
                 generator: Generator | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.embedder)
        self.generator = generator if generator is not None else make_generator(settings.generator)
        self.prompts = load_prompts(settings.generator.prompts_dir) if self.generator else None
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._retriever: Retriever | None = None
        self._build_id: str | None = None
        self._fingerprint: str | None = None

    # -- index -------------------------------------------------------------
    @property
    def index_dir(self) -> Path:
        return self.settings.index.dir

    def index(self) -> Index:
        """The current index, reloaded when a newer build has been swapped in."""
        build = current_build_id(self.index_dir)
        if self._index is None or build != self._build_id:
            with self._lock:
                if self._index is None or build != self._build_id:
                    index = Index.load(self.index_dir, self.embedder)
                    self._retriever = Retriever(index, self.embedder, self.settings.retrieval,
                                                self.settings.parse.cluster_aliases,
                                                self.settings.parse.cluster_places)
                    self._index, self._build_id = index, index.build_id
                    logger.info("loaded index build %s (%d chunks)", index.build_id, len(index.chunks))
        assert self._index is not None
        return self._index

    def retriever(self) -> Retriever:
        self.index()
        assert self._retriever is not None
        return self._retriever

    def meetings(self) -> Mapping[str, Meeting]:
        return self.index().meetings

    def scope_of(self, meeting_id: str) -> str | None:
        """The access scope a meeting was ingested with (default: its cluster)."""
        index = self.index()
        meeting = index.meetings.get(meeting_id)
        if meeting is None:
            return None
        doc = index.manifest.get("documents", {}).get(meeting.file, {})
        return doc.get("scope", meeting.cluster)  # type: ignore[no-any-return]

    # -- ingest ------------------------------------------------------------
    def _content_key(self, file_sha256: str) -> str:
        """What decides "unchanged": the file's bytes and everything that turns them into chunks."""
        if self._fingerprint is None:
            h = hashlib.sha256()
            here = Path(__file__).parent
            for path in sorted(here.glob("ingest/*.py")) + sorted(here.glob("parse/*.py")) + [here / "chunk.py"]:
                h.update(path.read_bytes())
            h.update(self.settings.parse.model_dump_json().encode())
            h.update(ANALYZER_ID.encode())  # another analyzer: the BM25 index and item terms are rebuilt
            h.update(f"{self.settings.index.chunk_words}:{self.settings.index.chunk_overlap_words}".encode())
            self._fingerprint = h.hexdigest()
        return hashlib.sha256(f"{file_sha256}:{self._fingerprint}".encode()).hexdigest()

    def _indexed_keys(self) -> dict[str, str]:
        """file -> content key of the current build (empty when there is none or it is unreadable)."""
        build = current_build_dir(self.index_dir)
        if build is None:
            return {}
        try:
            manifest = read_manifest(build)
        except (OSError, ValueError):
            return {}
        if manifest.get("embedder_id") != self.embedder.id:
            return {}
        return {f: d.get("sha256", "") for f, d in manifest.get("documents", {}).items()}

    def parse_files(self, paths: Iterable[Path], scope: str | None = None,
                    known: dict[str, str] | None = None) -> tuple[list[IndexDoc], IngestReport]:
        """Load and parse files; unreadable or unparsable ones are reported, not fatal.

        ``scope`` overrides the access scope of every file (default: each meeting's cluster).
        Files whose content key equals ``known[file]`` are counted as unchanged and not parsed.
        """
        loaded, skipped = load_many(list(paths))
        report = IngestReport(build=None, skipped=list(skipped))
        docs = []
        for doc in loaded:
            if known and scope is None and known.get(Path(doc.path).name) == self._content_key(doc.sha256):
                report.unchanged += 1
            else:
                docs.append(doc)
        out: list[IndexDoc] = []
        for doc, (meeting, chunks, error) in zip(docs, self._parse_all(docs, scope), strict=True):
            if meeting is None:
                logger.warning("skipped %s: %s", doc.path, error)
                report.skipped.append((doc.path, str(error)))
                continue
            if not meeting.items:
                reason = "no agenda items found"
                logger.warning("skipped %s: %s", doc.path, reason)
                report.skipped.append((doc.path, reason))
                continue
            report.warnings.extend((meeting.file, w) for w in meeting.warnings)
            doc_scope = scope if scope is not None else meeting.cluster
            out.append(IndexDoc(file=meeting.file, sha256=self._content_key(doc.sha256), meeting=meeting,
                                chunks=chunks, scope=doc_scope))
            report.items += len(meeting.items)
        report.files = len(out)
        report.meetings = len(out)
        return out, report

    def _parse_all(self, docs: Sequence[Document], scope: str | None) -> list[_Parsed]:
        """Parse and chunk every document; in worker processes when there are many (parsing is
        pure Python at ~30 ms a file, the largest ingest cost after embedding)."""
        jobs = [(d.text, d.path, scope, self.settings.parse, self.settings.index) for d in docs]
        workers = min(os.cpu_count() or 1, len(jobs) // PARALLEL_PARSE_MIN_FILES)
        if workers < 2:
            return [_parse_one(job) for job in jobs]
        # forkserver: forking a process that runs server or torch threads is unsafe.
        ctx = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            return list(pool.map(_parse_one, jobs, chunksize=16))

    def ingest(
        self, paths: Sequence[Path], *, prune: bool = False, rebuild: bool = False,
        progress: Callable[[int, int], None] | None = None, scope: str | None = None,
    ) -> IngestReport:
        """Add or update the given files in the index (atomically); optionally drop files not given.

        ``scope`` sets the access scope of the given files (default: each meeting's cluster).
        """
        known = {} if (prune or rebuild) else self._indexed_keys()
        docs, report = self.parse_files(paths, scope=scope, known=known)
        if not docs and not prune and report.unchanged:
            logger.info("%d files unchanged; the index is up to date", report.unchanged)
            return report
        if not docs and not prune:
            if report.skipped:
                raise IngestError(", ".join(p for p, _ in report.skipped), "no readable minutes among the files")
            raise IngestError(" ".join(map(str, paths)), "no supported files found")
        report.build = build_index(
            self.index_dir, self.embedder, docs, settings=self.settings.index, prune=prune,
            rebuild=rebuild, progress=progress,
        )
        return report

    def remove(self, files: Sequence[str]) -> BuildReport:
        """Drop documents from the index by file name."""
        return remove_documents(self.index_dir, self.embedder, list(files), self.settings.index)

    # -- ask ---------------------------------------------------------------
    def check_question(self, question: str) -> str:
        """The question stripped, or BadQuestion (empty / too long)."""
        q = question.strip()
        if not q:
            raise BadQuestion("empty question", danish="Skriv et spørgsmål.")
        limit = self.settings.api.max_question_chars
        if len(q) > limit:
            raise BadQuestion(
                f"question longer than {limit} characters",
                danish=f"Spørgsmålet er for langt (højst {limit} tegn).",
            )
        return q

    def _understand(self, question: str) -> tuple[Retriever, Query]:
        """The current retriever and the checked question, respelled against the index's
        vocabulary ("aeldre" -> "ældre") and parsed with its cluster names."""
        q = self.check_question(question)
        retriever = self.retriever()
        q = respell(q, retriever.index.lexical.analyzer.vocab)
        return retriever, parse_query(q, retriever.aliases)

    def search(self, question: str, filters: Filters | None = None, top_k: int | None = None) -> Retrieval:
        """Retrieval only: relevant agenda items, best first."""
        retriever, query = self._understand(question)
        return retriever.retrieve(query, filters, top_k)

    def _answer_args(self) -> tuple[float, float, int]:
        """min_coverage, dense_margin and quote budget of the extractive answerer."""
        r = self.settings.retrieval
        return r.min_relevance, r.dense_margin, r.answer_words

    def _extractive(self, question: str, filters: Filters | None, top_k: int | None) -> tuple[Answer, float]:
        """The extractive answer (retrieval included) and the retrieval time in ms."""
        t0 = time.perf_counter()
        retriever, query = self._understand(question)
        retrieval = retriever.retrieve(query, filters, top_k)
        t1 = time.perf_counter()
        answer = answer_extractive(query, retrieval, retriever.index.meetings,
                                   *self._answer_args())
        if answer.refused and query.clusters and not retrieval.refusal:
            answer = self._mentioned_elsewhere(query, self._cluster_wide(query, retrieval, filters, top_k)) or answer
        elif query.clusters and not retrieval.refusal:
            answer = self._topic_elsewhere(query, retrieval, answer, filters, top_k) or answer
        if answer.refused and not retrieval.refusal and query.one_month and not query.period_is_topic:
            # "… ved audit i oktober 2024": the month may be when the topic happened, and the
            # minutes of October 2024 are about something else. Items that speak of it may answer.
            second = retriever.retrieve(replace(query, period_is_topic=True), filters, top_k,
                                        retrieval.query_vector)
            if second.note and second.hits:
                retry = answer_extractive(query, second, retriever.index.meetings,
                                          *self._answer_args())
                if not retry.refused:
                    answer, retrieval = retry, second
        return replace(answer, hits=self._with_cited_headers(retrieval.hits, answer)), (t1 - t0) * 1000

    def ask(self, question: str, filters: Filters | None = None, top_k: int | None = None) -> Answer:
        """Answer a question citing (meeting, item) — by the LLM when configured and verified,
        else extractively — or refuse."""
        t0 = time.perf_counter()
        answer, retrieve_ms = self._extractive(question, filters, top_k)
        if self.generator is not None and self.prompts is not None:
            answer = answer_llm(question, answer, self.generator, self.prompts, self.settings.generator)
        total = (time.perf_counter() - t0) * 1000
        return replace(answer, timings={"retrieve_ms": retrieve_ms, "answer_ms": total - retrieve_ms,
                                        "total_ms": total})

    def stream(self, question: str, filters: Filters | None = None,
               top_k: int | None = None) -> Iterator[tuple[str, Any]]:
        """Events for a streamed answer: ("sources", hits) as soon as retrieval is done, then
        ("token", text) pieces, then ("answer", Answer) with the verified citations or the
        extractive fallback. Closing the iterator stops generation."""
        t0 = time.perf_counter()
        extractive, _ = self._extractive(question, filters, top_k)
        yield "sources", extractive
        if self.generator is None or self.prompts is None or extractive.refused or not extractive.citations:
            for piece in chunks_of(extractive.answer):
                yield "token", piece
            final = extractive
        else:
            d = draft(question, extractive, self.prompts, self.settings.generator)
            parts: list[str] = []
            try:
                for piece in stream_llm(d, self.generator):
                    parts.append(piece)
                    yield "token", piece
                final = finish("".join(parts), d, extractive, self.generator.id)
            except (BackendUnavailable, GenerationError) as exc:
                final = replace(extractive, fallback=True, fallback_reason=f"llm_error: {type(exc).__name__}")
        total = (time.perf_counter() - t0) * 1000
        yield "answer", replace(final, timings={"total_ms": total})

    def _with_cited_headers(self, hits: tuple[Hit, ...], answer: Answer) -> tuple[Hit, ...]:
        """Header units the answer cites (for a meeting's date/place) join the retrieved list,
        right after that meeting's first item, with that item's score."""
        wanted = [c.meeting_id for c in answer.citations if c.item == HEADER]
        have = {(h.chunk.meeting_id, h.chunk.item) for h in hits}
        out = list(hits)
        index = self.index()
        for mid in wanted:
            if (mid, HEADER) in have:
                continue
            rows = index.rows(meeting_ids=[mid])
            header = next((index.chunks[int(r)] for r in (rows if rows is not None else [])
                           if index.chunks[int(r)].item == HEADER), None)
            pos = next((i for i, h in enumerate(out) if h.chunk.meeting_id == mid), None)
            if header is None or pos is None:
                continue
            out.insert(pos + 1, Hit(chunk=header, score=out[pos].score))
        return tuple(out)

    def _topic_elsewhere(self, query: Query, retrieval: Retrieval, answer: Answer, filters: Filters | None,
                         top_k: int | None) -> Answer | None:
        """The asked cluster's items speak of only part of the question, and another cluster's
        item speaks of all of it ("Randersklyngen om alkoholmisbrug", when only Vestklyngen's
        minutes speak of alcohol): the cluster's items do not answer. An item of the other
        cluster that names the asked one is quoted as such (``_mentioned_elsewhere``); otherwise
        the answer is a refusal that says where the minutes do speak of it."""
        cited = {(c.meeting_id, c.item) for c in answer.citations}
        covered = max((h.coverage or 0.0 for h in retrieval.hits if (h.chunk.meeting_id, h.chunk.item) in cited),
                      default=1.0)
        if covered >= FULL_COVERAGE:
            return None
        retriever = self.retriever()
        wide = self._cluster_wide(query, retrieval, filters, top_k)
        other = next((h for h in wide.hits if h.chunk.cluster not in query.clusters and h.chunk.item != HEADER
                      and (h.coverage or 0.0) >= FULL_COVERAGE and not is_asked_unit(h.chunk, query)), None)
        if other is None:
            return None
        named = self._mentioned_elsewhere(query, wide)
        if named is not None:
            return named
        absent = set(retriever.absent_terms(retrieval.query_terms, cited))
        analyzer = retriever.index.lexical.analyzer
        words = [w for w in dict.fromkeys(_WORDS.findall(query.text)) if set(analyzer(w)) & absent]
        m = retriever.index.meetings[other.chunk.meeting_id]
        title = next((i.title for i in m.items if i.number == other.chunk.item), "")
        where = f"{m.cluster or 'en anden klynge'}s referat {format_date(m.date)}, punkt {other.chunk.item} «{title}»"
        asked = " og ".join(query.clusters)
        return refusal(f"{asked}s referater nævner ikke {' eller '.join(words) or 'emnet'}. Det gør {where}.")

    def _cluster_wide(self, query: Query, retrieval: Retrieval, filters: Filters | None,
                      top_k: int | None) -> Retrieval:
        """The same question over every cluster's minutes (the question is not embedded again)."""
        return self.retriever().retrieve(replace(query, clusters=()), filters, top_k, retrieval.query_vector)

    def _mentioned_elsewhere(self, query: Query, wide: Retrieval) -> Answer | None:
        """When a cluster's own minutes are silent, items of other clusters that name it.

        ``wide`` is the question retrieved over every cluster. Such an item is cited only when
        its own text names the asked cluster, and the answer says first that the cluster's own
        minutes do not answer.
        """
        retriever = self.retriever()
        aliases = retriever.aliases
        meetings = retriever.index.meetings
        keep = []
        for h in wide.hits:
            m = meetings.get(h.chunk.meeting_id)
            if m is None or m.cluster in query.clusters:
                continue
            text = " ".join(i.text for i in m.items if i.number == h.chunk.item)
            named, _ = find_clusters(text, aliases)
            if set(named) & set(query.clusters):
                keep.append(h)
        if not keep:
            return None
        names = " og ".join(query.clusters)
        answer = answer_extractive(query, replace(wide, hits=tuple(keep)), meetings,
                                   *self._answer_args())
        if answer.refused:
            return None
        note = (f"Det fremgår ikke af {names}s egne referater. "
                f"{names} nævnes dog i en anden klynges referat:")
        return replace(answer, answer=f"{note}\n\n{answer.answer}")


__all__ = ["Filters", "IngestReport", "Pipeline", "refusal"]
