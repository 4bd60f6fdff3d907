"""Generator factory: maps ``settings.generator.backend`` to a backend module, imported lazily.

    extractive -> None (the pipeline quotes the minutes itself)
    ollama     -> rag.generate.ollama.OllamaGenerator     (native /api/chat)
    openai     -> rag.generate.openai.OpenAIGenerator     (any OpenAI-compatible server)
    llamacpp   -> rag.generate.llamacpp.LlamaCppGenerator (GGUF in process)
    fake       -> rag.generate.fake.FakeGenerator         (queued replies, tests)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from rag.backends import Table, load_backend

if TYPE_CHECKING:
    from rag.settings import GeneratorSettings
    from rag.types import Generator

logger = logging.getLogger(__name__)

# backend name -> (module, class, pip install hint)
_BACKENDS: Table = {
    "ollama": ("rag.generate.ollama", "OllamaGenerator", "pip install 'ollama>=0.4'"),
    "openai": ("rag.generate.openai", "OpenAIGenerator", "pip install 'openai>=1.40'"),
    "llamacpp": (
        "rag.generate.llamacpp",
        "LlamaCppGenerator",
        "CMAKE_ARGS='-DGGML_NATIVE=OFF' pip install 'referat-rag[llamacpp]'",
    ),
    "fake": ("rag.generate.fake", "FakeGenerator", ""),
}


def make_generator(settings: GeneratorSettings) -> Generator | None:
    """Build the configured generator (None for 'extractive'); a missing dependency names its install."""
    if settings.backend == "extractive":
        return None
    cls = load_backend("generator", settings.backend, _BACKENDS)
    generator: Generator = cls.from_settings(settings)
    logger.info("generator backend %s ready (%s)", settings.backend, generator.id)
    return generator


__all__ = ["make_generator"]
