"""In-process GGUF backend through ``llama_cpp.Llama`` (llama-cpp-python).

One ``Llama`` holds one KV cache and is not thread-safe, so every call (and a
whole stream, until it is exhausted or closed) runs under a lock.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import llama_cpp

from rag.errors import BackendUnavailable, GenerationError
from rag.settings import GeneratorSettings

logger = logging.getLogger(__name__)

DEFAULT_N_CTX = 4096
"""Used when settings.num_ctx is None; the model's own maximum can be far too large for RAM."""


class LlamaCppGenerator:
    """Chat completion with a local GGUF file (``settings.model`` is its path)."""

    def __init__(self, settings: GeneratorSettings) -> None:
        path = Path(settings.model or "")
        if not settings.model or not path.is_file():
            raise BackendUnavailable(
                f"llamacpp backend needs RAG_GENERATOR__MODEL to be the path of a .gguf file; "
                f"{str(path)!r} does not exist"
            )
        self.settings = settings
        self.path = path
        self.n_ctx = settings.num_ctx or DEFAULT_N_CTX
        self.id = f"llamacpp:{path.name}"
        n_threads = settings.n_threads or max(1, (os.cpu_count() or 2) // 2)
        try:
            self._llm = llama_cpp.Llama(
                model_path=str(path), n_ctx=self.n_ctx, n_threads=n_threads, verbose=False
            )
        except (ValueError, RuntimeError) as exc:
            raise BackendUnavailable(f"llama.cpp could not load {path}: {exc}") from exc
        self._lock = threading.Lock()
        logger.info("loaded %s (n_ctx=%d, n_threads=%d)", path.name, self.n_ctx, n_threads)

    @classmethod
    def from_settings(cls, settings: GeneratorSettings) -> LlamaCppGenerator:
        """Factory hook."""
        return cls(settings)

    def _params(self, messages: Sequence[dict[str, str]]) -> dict[str, Any]:
        return {
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
        }

    def generate(self, messages: Sequence[dict[str, str]]) -> str:
        """Full answer from one ``create_chat_completion`` call."""
        with self._lock:
            try:
                result: Any = self._llm.create_chat_completion(**self._params(messages), stream=False)
            except ValueError as exc:  # e.g. "Requested tokens (...) exceed context window of ..."
                raise GenerationError(f"{self.id}: {exc}") from exc
        choice = result["choices"][0]
        if choice.get("finish_reason") == "length":
            logger.warning("%s hit max_tokens=%d; the answer is cut", self.id, self.settings.max_tokens)
        usage = result.get("usage") or {}
        logger.info(
            "%s done: prompt_tokens=%s answer_tokens=%s",
            self.id,
            usage.get("prompt_tokens"),
            usage.get("completion_tokens"),
        )
        text = choice["message"].get("content") or ""
        if not text.strip():
            raise GenerationError(f"{self.id} returned an empty answer")
        return text

    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]:
        """Answer pieces from a streamed ``create_chat_completion``; holds the lock until done."""
        produced = False
        with self._lock:
            try:
                chunks: Any = self._llm.create_chat_completion(**self._params(messages), stream=True)
                for chunk in chunks:
                    choice = chunk["choices"][0]
                    piece = choice["delta"].get("content")
                    if piece:
                        produced = True
                        yield piece
                    if choice.get("finish_reason") == "length":
                        logger.warning("%s stopped at max_tokens; the answer is cut", self.id)
            except ValueError as exc:
                raise GenerationError(f"{self.id}: {exc}") from exc
        if not produced:
            raise GenerationError(f"{self.id} streamed an empty answer")
