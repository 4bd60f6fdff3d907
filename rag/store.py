"""On-disk pieces of an index build: chunk store, meeting store, atomic file and symlink helpers.

The chunk store is columnar so that 100k chunks open in well under a second:
small fields go to ``chunks.json``; ``text`` is one UTF-8 blob
(``chunks.text.txt``) and ``search_text`` is stored only as what surrounds
``text`` (``chunks.search.txt``), with byte offsets in ``chunks.offsets.npy``;
both blobs are memory-mapped and a chunk is decoded when it is first read.
Meetings are one JSON array, one meeting per line (``meetings.json``), with
byte offsets in ``meetings.idx.json`` so a server parses a meeting only when
it is first asked for.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import mmap
import os
import re
import secrets
import shutil
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, overload

import numpy as np

from rag.cache import LRU
from rag.errors import EmbedderMismatch, IndexCorrupt
from rag.types import AgendaItem, Chunk, Embedder, HeaderUnit, Meeting, Section

try:  # orjson (installed with langchain-core) parses the columns several times faster than json
    from orjson import dumps, loads
except ImportError:  # pragma: no cover
    from json import loads  # type: ignore[assignment]

    def dumps(obj: Any, /) -> bytes:  # type: ignore[misc]
        """Serialise to UTF-8 JSON."""
        return json.dumps(obj, ensure_ascii=False).encode()

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
REBUILD_HINT = "rebuild it with: rag ingest --rebuild PATH"
CHUNK_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Chunk))
_SMALL_FIELDS = tuple(f for f in CHUNK_FIELDS if f not in ("text", "search_text"))
CURRENT = "current"
BUILDS = "builds"
TMP_PREFIX = ".tmp-"
_MANIFEST_KEYS = frozenset({"embedder_id", "dim", "index_type", "n_chunks", "documents"})
# Up to this many meetings, a meeting filter gathers their rows from a per-meeting index
# (~10 us) instead of testing every row (np.isin over all rows, ~0.15 ms at 100k items).
FEW_MEETINGS = 32
# Decoded objects kept per process (a meeting of 20 items is ~170 KB decoded, a chunk ~2 KB).
MEETING_CACHE_SIZE = 256
CHUNK_CACHE_SIZE = 8192


# --- manifest -----------------------------------------------------------------------------------


def read_manifest(build_dir: Path) -> dict[str, Any]:
    """The manifest of a build; raises OSError/ValueError when missing or of another format."""
    manifest: dict[str, Any] = loads((build_dir / "manifest.json").read_bytes())
    if not isinstance(manifest, dict):
        raise ValueError(f"manifest.json holds a {type(manifest).__name__}, not an object")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"format_version {manifest.get('format_version')}, expected {FORMAT_VERSION}")
    # A manifest cut or edited by hand must fail here (-> IndexCorrupt), not as a KeyError later.
    missing = sorted(_MANIFEST_KEYS - manifest.keys())
    if missing:
        raise ValueError(f"manifest.json lacks {', '.join(missing)}")
    return manifest


def check_embedder(manifest: Mapping[str, Any], embedder: Embedder, where: Path) -> None:
    """Raise EmbedderMismatch unless the build was made with ``embedder`` (id and dim)."""
    if manifest.get("embedder_id") != embedder.id or manifest.get("dim") != embedder.dim:
        raise EmbedderMismatch(
            f"index at {where} was built with embedder {manifest.get('embedder_id')!r} "
            f"(dim {manifest.get('dim')}), but the configured embedder is {embedder.id!r} "
            f"(dim {embedder.dim}); configure the original embedder or {REBUILD_HINT}"
        )


def corrupt(build_dir: Path, exc: BaseException) -> IndexCorrupt:
    """The error for an unreadable or inconsistent build, naming the rebuild command."""
    return IndexCorrupt(f"index build {build_dir} is unreadable or inconsistent ({exc}); {REBUILD_HINT}")


# --- meetings -----------------------------------------------------------------------------------


def meeting_to_dict(m: Meeting) -> dict[str, Any]:
    """Plain-JSON form of a meeting (tuples become lists); ``dataclasses.asdict`` is 10x slower."""
    d = dict(vars(m))
    d["header"] = dict(vars(m.header))
    d["items"] = [dict(vars(i), sections=[dict(vars(s)) for s in i.sections]) for i in m.items]
    return d


def meeting_from_dict(d: Mapping[str, Any]) -> Meeting:
    """Inverse of :func:`meeting_to_dict`."""
    h = d["header"]
    items = tuple(
        AgendaItem(**{
            **i, "sections": tuple(Section(**x) for x in i["sections"]), "pages": tuple(i["pages"]),
        })
        for i in d["items"]
    )
    return Meeting(**{
        **d, "participants": tuple(d["participants"]), "warnings": tuple(d["warnings"]), "items": items,
        "header": HeaderUnit(text=h["text"], participants=tuple(h["participants"]), pages=tuple(h["pages"])),
    })


def write_meetings(build_dir: Path, meetings: Sequence[Meeting]) -> None:
    """Write ``meetings.json`` (one meeting per line) and its byte-offset index."""
    offsets: dict[str, list[int]] = {}
    parts = [b"[\n"]
    pos = 2
    for n, m in enumerate(meetings):
        line = dumps(meeting_to_dict(m))
        offsets[m.id] = [pos, len(line)]
        sep = b",\n" if n < len(meetings) - 1 else b"\n"
        parts += [line, sep]
        pos += len(line) + len(sep)
    parts.append(b"]\n")
    write_file(build_dir / "meetings.json", b"".join(parts))
    write_file(build_dir / "meetings.idx.json", dumps(offsets))


class MeetingStore(Mapping[str, Meeting]):
    """Read-only mapping meeting id -> Meeting, parsed on first access from a memory map."""

    def __init__(self, data: bytes | mmap.mmap, offsets: dict[str, list[int]]) -> None:
        self._data = data
        self._offsets = offsets
        self._cache: LRU[str, Meeting] = LRU(MEETING_CACHE_SIZE)

    @classmethod
    def open(cls, build_dir: Path) -> MeetingStore:
        """Map ``meetings.json`` of a build; raises OSError/ValueError when missing or inconsistent."""
        offsets = loads((build_dir / "meetings.idx.json").read_bytes())
        path = build_dir / "meetings.json"
        size = path.stat().st_size
        end = max((o + n for o, n in offsets.values()), default=0)
        if end > size:
            raise ValueError(f"meetings.json is truncated ({size} bytes, index needs {end})")
        data: bytes | mmap.mmap = b""
        if size:
            with path.open("rb") as f:
                data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        return cls(data, offsets)

    def __getitem__(self, meeting_id: str) -> Meeting:
        m = self._cache.get(meeting_id)
        if m is None:
            start, length = self._offsets[meeting_id]
            try:
                m = meeting_from_dict(loads(self._data[start : start + length]))
            except (ValueError, KeyError, TypeError) as exc:
                # Damaged bytes surface only here (lazy decoding): 503 with the rebuild hint, not a
                # 500 -- and never a KeyError, which Mapping.get() would turn into "no such meeting".
                raise IndexCorrupt(f"meetings.json: meeting {meeting_id!r} is unreadable ({exc}); "
                                   f"{REBUILD_HINT}") from exc
            self._cache.put(meeting_id, m)
        return m

    def __iter__(self) -> Iterator[str]:
        return iter(self._offsets)

    def __len__(self) -> int:
        return len(self._offsets)


# --- item terms ---------------------------------------------------------------------------------
# Each agenda item's analysed terms (what coverage and the answer's term checks compare a question
# with), computed once per build: analysing an item's whole text (and decoding its meeting) costs
# ~0.1 ms, and distinct questions over 100k items rarely ask about the same item twice.

ITEM_TERMS = "item_terms.json"  # {"vocab": sorted terms, "items": {meeting id: [item, ...]}}
ITEM_TERM_IDS = "item_terms.ids.npy"  # uint32 vocabulary ids, each item's ascending (memory-mapped)
ITEM_TERM_OFFSETS = "item_terms.offsets.npy"  # int64: item k has ids[offsets[k]:offsets[k + 1]]


def write_item_terms(build_dir: Path, items: Mapping[str, Sequence[str]], terms: Iterable[Iterable[str]]) -> None:
    """Write the item-term files; ``terms`` gives each item's terms in the order of ``items``.

    Ids index the sorted vocabulary, so an item's ascending ids read back as its sorted terms
    (what ``bisect`` needs) with no sort at lookup.
    """
    code: dict[str, int] = {}
    parts = [np.fromiter((code.setdefault(t, len(code)) for t in set(ts)), np.uint32) for ts in terms]
    n_items = sum(len(v) for v in items.values())
    if len(parts) != n_items:
        raise ValueError(f"{len(parts)} term sets for {n_items} items")
    vocab = sorted(code)
    rank = np.zeros(len(code), dtype=np.uint32)
    rank[np.fromiter(map(code.__getitem__, vocab), np.int64, len(vocab))] = np.arange(len(vocab), dtype=np.uint32)
    ids = [np.sort(rank[p]) for p in parts]
    offsets = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in ids], out=offsets[1:])
    write_file(build_dir / ITEM_TERMS, dumps({"vocab": vocab, "items": items}))
    save_array(build_dir / ITEM_TERM_IDS, np.concatenate(ids) if ids else np.zeros(0, dtype=np.uint32))
    save_array(build_dir / ITEM_TERM_OFFSETS, offsets)


class ItemTermStore:
    """The stored item terms of a build: (meeting id, item) -> its sorted terms.

    The ids stay memory-mapped (~60 MB at 100k items); the terms are the vocabulary's own
    strings, so items share them instead of each holding copies.
    """

    def __init__(self, vocab: list[str], items: Mapping[str, list[str]], offsets: np.ndarray, ids: np.ndarray) -> None:
        self._vocab = vocab
        self._offsets: list[int] = offsets.tolist()
        self._ids = ids.view(np.ndarray)  # slices of a plain view skip np.memmap's bookkeeping
        self._first: dict[str, tuple[int, list[str]]] = {}  # meeting id -> (its first item's number, items)
        k = 0
        for mid, numbers in items.items():
            self._first[mid] = (k, numbers)
            k += len(numbers)
        if len(self._offsets) != k + 1 or self._offsets[0] != 0 or self._offsets[-1] != len(ids):
            raise ValueError(f"item terms: {len(self._offsets)} offsets for {k} items and {len(ids)} ids")

    @classmethod
    def open(cls, build_dir: Path) -> ItemTermStore | None:
        """The build's item terms; None for a build made before they were stored."""
        if not (build_dir / ITEM_TERMS).exists():
            return None
        meta = loads((build_dir / ITEM_TERMS).read_bytes())
        offsets = np.load(build_dir / ITEM_TERM_OFFSETS)
        ids = np.load(build_dir / ITEM_TERM_IDS, mmap_mode="r" if offsets[-1] else None)
        if ids.dtype != np.uint32 or ids.ndim != 1 or offsets.ndim != 1 or len(offsets) == 0:
            raise ValueError("item terms: ids or offsets of the wrong shape")
        return cls(meta["vocab"], meta["items"], offsets, ids)

    def get(self, meeting_id: str, item: str) -> tuple[str, ...] | None:
        """The item's distinct terms, sorted; None when the build has no such item."""
        at = self._first.get(meeting_id)
        if at is None or item not in at[1]:
            return None
        k = at[0] + at[1].index(item)
        try:
            return tuple(map(self._vocab.__getitem__, self._ids[self._offsets[k] : self._offsets[k + 1]].tolist()))
        except IndexError as exc:  # damaged bytes surface only here (lazy reading)
            raise IndexCorrupt(f"item terms of {meeting_id}#{item} are unreadable; {REBUILD_HINT}") from exc


# --- chunks -------------------------------------------------------------------------------------


def write_chunks(build_dir: Path, chunks: Sequence[Chunk], docs: Sequence[str]) -> None:
    """Write the columnar chunk store; ``docs`` names the indexed file each row came from."""
    cols: dict[str, list[Any]] = {name: [getattr(c, name) for c in chunks] for name in _SMALL_FIELDS}
    # Per row: end of text in chunks.text.txt; bytes before/after text in chunks.search.txt
    # (after = -1: search_text does not contain text and is stored whole as "before").
    offsets = np.zeros((len(chunks), 3), dtype=np.int64)
    texts: list[bytes] = []
    outside: list[bytes] = []
    end = 0
    for row, c in enumerate(chunks):
        text = c.text.encode()
        texts.append(text)
        end += len(text)
        at = c.search_text.find(c.text)
        if at < 0:
            whole = c.search_text.encode()
            outside.append(whole)
            offsets[row] = (end, len(whole), -1)
        else:
            pre, post = c.search_text[:at].encode(), c.search_text[at + len(c.text) :].encode()
            outside += [pre, post]
            offsets[row] = (end, len(pre), len(post))
    meta = {"n": len(chunks), "fields": list(CHUNK_FIELDS), "columns": cols, "doc": list(docs)}
    write_file(build_dir / "chunks.json", dumps(meta))
    write_file(build_dir / "chunks.text.txt", b"".join(texts))
    write_file(build_dir / "chunks.search.txt", b"".join(outside))
    save_array(build_dir / "chunks.offsets.npy", offsets)


def _map(path: Path) -> bytes | mmap.mmap:
    """Read-only memory map of a file (empty bytes for an empty file)."""
    if path.stat().st_size == 0:
        return b""
    with path.open("rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


class ChunkStore(Sequence[Chunk]):
    """The chunks of a build as a read-only sequence; a Chunk is decoded on first access.

    Loading 100k chunks eagerly takes seconds (UTF-8 decoding and object creation); the
    small columns are parsed up front, the texts stay memory-mapped until a row is read.
    """

    def __init__(self, build_dir: Path) -> None:
        meta = loads((build_dir / "chunks.json").read_bytes())
        if tuple(meta["fields"]) != CHUNK_FIELDS:
            raise ValueError(f"chunk store has fields {meta['fields']}, this version expects {CHUNK_FIELDS}")
        n = int(meta["n"])
        self.columns: dict[str, list[Any]] = meta["columns"]
        self.docs: list[str] = meta["doc"]
        offsets = np.load(build_dir / "chunks.offsets.npy")
        if (offsets.shape != (n, 3) or len(self.docs) != n or set(self.columns) != set(_SMALL_FIELDS)
                or any(len(v) != n for v in self.columns.values())):
            raise ValueError(f"chunk store columns disagree with n={n}")
        self._text = _map(build_dir / "chunks.text.txt")
        self._outside = _map(build_dir / "chunks.search.txt")
        outside_sizes = offsets[:, 1] + np.maximum(offsets[:, 2], 0)
        self._text_end = offsets[:, 0].tolist()
        self._outside_end = np.cumsum(outside_sizes).tolist()
        self._pre = offsets[:, 1].tolist()
        self._post = offsets[:, 2].tolist()
        if len(self._text) != (self._text_end[-1] if n else 0):
            raise ValueError("chunks.text.txt is truncated or too long")
        if len(self._outside) != (self._outside_end[-1] if n else 0):
            raise ValueError("chunks.search.txt is truncated or too long")
        self._n = n
        self._cache: LRU[int, Chunk] = LRU(CHUNK_CACHE_SIZE)
        # Per-row codes so that metadata filters are a few vectorised comparisons.
        self._cluster, self._cluster_codes = _codes(self.columns["cluster"], fold=True)
        self._scope, self._scope_codes = _codes(self.columns["scope"])
        self._meeting, self._meeting_codes = _codes(self.columns["meeting_id"])
        # Rows grouped by meeting code (ascending rows within a group): meeting c has rows
        # _by_meeting[_meeting_start[c]:_meeting_start[c + 1]].
        self._by_meeting = np.argsort(self._meeting, kind="stable")
        self._meeting_start = np.searchsorted(self._meeting[self._by_meeting], np.arange(len(self._meeting_codes) + 1))
        keys = {d: date_key(d) for d in set(self.columns["date"])}  # few distinct dates
        self._date = np.fromiter(map(keys.__getitem__, self.columns["date"]), np.int64, n)

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, row: int) -> Chunk: ...

    @overload
    def __getitem__(self, row: slice) -> list[Chunk]: ...

    def __getitem__(self, row: int | slice) -> Chunk | list[Chunk]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        row = row if row >= 0 else row + self._n
        if not 0 <= row < self._n:
            raise IndexError(row)
        chunk = self._cache.get(row)
        if chunk is None:
            chunk = self._decode(row)
            self._cache.put(row, chunk)
        return chunk

    def __iter__(self) -> Iterator[Chunk]:
        return (self[i] for i in range(len(self)))

    def rows(
        self,
        cluster: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        scopes: Collection[str] | None = None,
        meeting_ids: Collection[str] | None = None,
    ) -> np.ndarray | None:
        """Row ids matching every given filter (dates ``YYYY[-MM[-DD]]``, inclusive); None without filters."""
        if all(v is None for v in (cluster, date_from, date_to, scopes, meeting_ids)):
            return None
        # Few meetings: test only their rows; else test every row (``at`` selects the rows tested).
        wanted = None if meeting_ids is None else [self._meeting_codes[m] for m in meeting_ids
                                                   if m in self._meeting_codes]
        at: slice | np.ndarray = slice(None)
        if wanted is not None and len(wanted) <= FEW_MEETINGS:
            at = self._meeting_rows(wanted)
            wanted = None
        mask = np.ones(len(self) if isinstance(at, slice) else len(at), dtype=bool)
        if cluster is not None:
            mask &= self._cluster[at] == self._cluster_codes.get(cluster.casefold(), -2)
        if date_from is not None or date_to is not None:
            mask &= self._date[at] >= 0
            if date_from is not None:
                mask &= self._date[at] >= _bound(date_from, upper=False)
            if date_to is not None:
                mask &= self._date[at] <= _bound(date_to, upper=True)
        if scopes is not None:
            mask &= np.isin(self._scope[at], [self._scope_codes[s] for s in scopes if s in self._scope_codes])
        if wanted is not None:
            mask &= np.isin(self._meeting, wanted)
        return np.flatnonzero(mask) if isinstance(at, slice) else at[mask]

    def _meeting_rows(self, codes: Sequence[int]) -> np.ndarray:
        """Sorted rows of the meetings with these codes."""
        start, by_meeting = self._meeting_start, self._by_meeting
        parts = [by_meeting[start[c] : start[c + 1]] for c in codes]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def _decode(self, row: int) -> Chunk:
        try:
            text = self._text[(self._text_end[row - 1] if row else 0) : self._text_end[row]].decode()
            start = self._outside_end[row - 1] if row else 0
            pre, post = self._pre[row], self._post[row]
            search = self._outside[start : start + pre].decode()
            if post >= 0:
                search = search + text + self._outside[start + pre : start + pre + post].decode()
        except UnicodeDecodeError as exc:  # damaged bytes surface only here (lazy decoding)
            raise IndexCorrupt(f"chunk store: row {row} is unreadable ({exc}); {REBUILD_HINT}") from exc
        values = {f: self.columns[f][row] for f in _SMALL_FIELDS}
        return Chunk(text=text, search_text=search, **values)


_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


def date_key(value: str | None, *, upper: bool = False) -> int:
    """``YYYY[-MM[-DD]]`` -> yyyymmdd int (-1 if unparsable); a partial date widens to its first/last day."""
    m = _DATE.match(value or "")
    if not m:
        return -1
    y, mo, d = m.group(1), m.group(2), m.group(3)
    month = int(mo) if mo else (12 if upper else 1)
    day = int(d) if d else (31 if upper else 1)
    return int(y) * 10_000 + month * 100 + day


def _bound(value: str, *, upper: bool) -> int:
    key = date_key(value, upper=upper)
    if key < 0:
        raise ValueError(f"date filter {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return key


def _codes(values: Sequence[str | None], fold: bool = False) -> tuple[np.ndarray, dict[str, int]]:
    """Integer code per row (-1 for None) and the value -> code table."""
    table: dict[str, int] = {}
    out = np.full(len(values), -1, dtype=np.int32)
    for row, v in enumerate(values):
        if v is not None:
            out[row] = table.setdefault(v.casefold() if fold else v, len(table))
    return out, table


# --- files, builds and the current symlink ------------------------------------------------------


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` and fsync it."""
    with path.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link a file or folder tree of an (immutable) build into a new one; copy across devices."""
    if src.is_dir():
        shutil.copytree(src, dst, copy_function=_link_file)
    else:
        _link_file(str(src), str(dst))


def _link_file(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def save_array(path: Path, arr: np.ndarray) -> None:
    """``np.save`` without pickles, fsynced."""
    with path.open("wb") as f:
        np.save(f, arr, allow_pickle=False)
        f.flush()
        os.fsync(f.fileno())


def fsync_tree(root: Path) -> None:
    """fsync every file and folder under ``root`` (files written by libraries, e.g. FAISS, bm25s)."""
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(dirpath))


def fsync_dir(path: Path) -> None:
    """fsync a folder so renames and new entries in it survive a power cut."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_build_id() -> str:
    """Sortable, unique build id: UTC timestamp plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def current_build_dir(index_dir: Path) -> Path | None:
    """The build folder ``current`` points to, or None when there is no ``current`` link."""
    link = index_dir / CURRENT
    try:
        target = os.readlink(link)
    except (FileNotFoundError, OSError):
        return None
    return (index_dir / target) if not os.path.isabs(target) else Path(target)


def swap_current(index_dir: Path, build_id: str) -> None:
    """Point ``current`` at ``builds/<build_id>`` atomically (temp symlink + os.replace)."""
    tmp = index_dir / f"{CURRENT}{TMP_PREFIX}{secrets.token_hex(4)}"
    os.symlink(f"{BUILDS}/{build_id}", tmp)
    try:
        os.replace(tmp, index_dir / CURRENT)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(index_dir)


def publish_build(index_dir: Path, build_id: str, write: Callable[[Path], None]) -> Path:
    """Run ``write`` into ``builds/.tmp-<id>``, fsync, rename to ``builds/<id>``, make it current.

    A failure (or a kill) before the swap leaves ``current`` on the previous build; a leftover
    temp folder is removed by the next build. The previous build is kept, older ones deleted.
    """
    builds = index_dir / BUILDS
    builds.mkdir(exist_ok=True)
    tmp = builds / f"{TMP_PREFIX}{build_id}"
    final = builds / build_id
    tmp.mkdir()
    try:
        write(tmp)
        fsync_tree(tmp)
        os.rename(tmp, final)
        fsync_dir(builds)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    previous = current_build_dir(index_dir)
    swap_current(index_dir, build_id)
    remove_stale(index_dir, {build_id} | ({previous.name} if previous else set()))
    return final


def remove_stale(index_dir: Path, keep: set[str]) -> None:
    """Delete builds not in ``keep`` and leftovers of crashed builds (caller holds the build lock)."""
    builds = index_dir / BUILDS
    for entry in builds.iterdir() if builds.is_dir() else ():
        if entry.name not in keep:
            logger.info("removing old build %s", entry.name)
            shutil.rmtree(entry, ignore_errors=True)
    for entry in index_dir.glob(f"{CURRENT}{TMP_PREFIX}*"):
        entry.unlink(missing_ok=True)


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Serialise builds of one index folder across processes (flock on ``.lock``)."""
    with (index_dir / ".lock").open("a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.info("another build of %s is running; waiting for it", index_dir)
            fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
