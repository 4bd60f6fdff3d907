"""The fake embedder: deterministic, normalised, and crudely similarity-preserving."""

from __future__ import annotations

import numpy as np

from rag.embed.fake import FakeEmbedder
from rag.types import Embedder


def test_implements_protocol() -> None:
    emb = FakeEmbedder()
    assert isinstance(emb, Embedder)
    assert emb.dim == 256 and emb.id == "fake-bow-256"


def test_shapes_dtype_and_norm() -> None:
    emb = FakeEmbedder(dim=64)
    docs = emb.embed_documents(["Klyngestyregruppen mødes", "Næste møde", ""])
    assert docs.shape == (3, 64) and docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, rtol=1e-6)
    q = emb.embed_query("møde")
    assert q.shape == (64,) and q.dtype == np.float32
    assert emb.embed_documents([]).shape == (0, 64)


def test_deterministic_across_instances() -> None:
    text = "Randers Kommune opsiger IV-aftalen pr. 15.07.17"
    a = FakeEmbedder().embed_documents([text])
    b = FakeEmbedder().embed_documents([text])
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(FakeEmbedder().embed_query(text), a[0])


def test_shared_words_score_higher() -> None:
    emb = FakeEmbedder()
    q = emb.embed_query("Hvad besluttede klyngen om IV-behandling?")
    docs = emb.embed_documents(
        [
            "Randers Kommune opsiger aftalen om IV-behandling i eget hjem.",
            "Næste møde afholdes torsdag 9. november.",
        ]
    )
    scores = docs @ q
    assert scores[0] > scores[1]


def test_prefix_buckets_link_inflections() -> None:
    # "behandlingen" and "behandling" share the 5-letter prefix bucket "behan".
    emb = FakeEmbedder()
    q = emb.embed_query("behandlingen")
    related, unrelated = emb.embed_documents(["behandling", "mødeplan"])
    assert float(related @ q) > 0.0
    assert float(related @ q) > float(unrelated @ q)
