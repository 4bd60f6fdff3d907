"""Ollama backend: native ``/api/chat`` through the official ``ollama`` client.

Ollama quirks handled here: the context window defaults to a few thousand
tokens and longer prompts are truncated *silently*, so every request carries an
explicit ``options.num_ctx`` sized to the prompt (rounded up to a multiple of
1024 so the model is not reloaded for every small change in prompt length).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import ollama

from rag.errors import BackendUnavailable, GenerationError
from rag.prompt import estimate_tokens
from rag.settings import GeneratorSettings

logger = logging.getLogger(__name__)

CTX_STEP = 1024
CTX_MIN = 2048
CTX_MARGIN = 256
"""Tokens added on top of prompt estimate + max_tokens (chat template, tokenizer variance)."""


def size_num_ctx(messages: Sequence[dict[str, str]], max_tokens: int, cap: int | None = None) -> int:
    """Context window for a request: prompt estimate + answer + margin, a multiple of 1024, capped."""
    prompt = sum(estimate_tokens(m.get("content", "")) + 4 for m in messages)
    needed = prompt + max_tokens + CTX_MARGIN
    num_ctx = max(CTX_MIN, math.ceil(needed / CTX_STEP) * CTX_STEP)
    if cap is not None and num_ctx > cap:
        if needed > cap:
            logger.warning("prompt needs ~%d tokens, num_ctx capped at %d: Ollama will truncate", needed, cap)
        num_ctx = cap
    return num_ctx


class OllamaGenerator:
    """Chat completion through an Ollama server (``settings.base_url``)."""

    def __init__(self, settings: GeneratorSettings, *, transport: httpx.BaseTransport | None = None) -> None:
        if not settings.model:
            raise BackendUnavailable("ollama backend needs a model name: set RAG_GENERATOR__MODEL")
        self.settings = settings
        self.model: str = settings.model
        self.id = f"ollama:{self.model}"
        kwargs: dict[str, Any] = {"timeout": settings.timeout_s}
        if transport is not None:
            kwargs["transport"] = transport
        self._client = ollama.Client(host=settings.base_url, **kwargs)

    @classmethod
    def from_settings(cls, settings: GeneratorSettings) -> OllamaGenerator:
        """Factory hook; pulls or checks the model first when ``pull_on_start`` is set."""
        generator = cls(settings)
        if settings.pull_on_start:
            generator.ensure_model()
        return generator

    # -- public API ---------------------------------------------------------------

    def ensure_model(self) -> None:
        """Check the model is present; pull it when ``pull_on_start`` is set, else say how to."""
        try:
            self._client.show(self.model)
            logger.info("ollama model %s is available", self.model)
            return
        except ollama.ResponseError as exc:
            if exc.status_code != 404:
                raise GenerationError(f"ollama show {self.model} failed: {exc}") from exc
        except (ConnectionError, httpx.TransportError) as exc:
            raise self._server_down(exc) from exc
        if not self.settings.pull_on_start:
            raise self._model_missing()
        logger.info("pulling ollama model %s (this can take minutes)", self.model)
        last = ""
        try:
            for progress in self._client.pull(self.model, stream=True):
                status = progress.status or ""
                if status != last:
                    logger.info("ollama pull %s: %s", self.model, status)
                    last = status
        except ollama.ResponseError as exc:
            raise BackendUnavailable(f"ollama pull {self.model} failed: {exc}") from exc
        except (ConnectionError, httpx.TransportError) as exc:
            raise self._server_down(exc) from exc

    def generate(self, messages: Sequence[dict[str, str]]) -> str:
        """Full answer from one non-streaming ``/api/chat`` call."""
        try:
            response = self._client.chat(**self._request(messages, stream=False))
        except Exception as exc:
            raise self._translate(exc) from exc
        self._log_done(response)
        text = response.message.content or ""
        if not text.strip():
            raise GenerationError(f"{self.id} returned an empty answer")
        return text

    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]:
        """Answer pieces from a streaming ``/api/chat`` call (NDJSON lines)."""
        produced = False
        try:
            for part in self._client.chat(**self._request(messages, stream=True)):
                piece = part.message.content if part.message else None
                if piece:
                    produced = True
                    yield piece
                if part.done:
                    self._log_done(part)
        except (BackendUnavailable, GenerationError):
            raise
        except Exception as exc:
            raise self._translate(exc) from exc
        if not produced:
            raise GenerationError(f"{self.id} streamed an empty answer")

    # -- helpers ------------------------------------------------------------------

    def _request(self, messages: Sequence[dict[str, str]], *, stream: bool) -> dict[str, Any]:
        num_ctx = size_num_ctx(messages, self.settings.max_tokens, self.settings.num_ctx)
        logger.debug("ollama chat model=%s num_ctx=%d stream=%s", self.model, num_ctx, stream)
        return {
            "model": self.model,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
            "stream": stream,
            "options": {
                "num_ctx": num_ctx,
                "temperature": self.settings.temperature,
                "num_predict": self.settings.max_tokens,
            },
            "keep_alive": self.settings.keep_alive,
        }

    def _log_done(self, response: ollama.ChatResponse) -> None:
        if response.done_reason == "length":
            logger.warning("%s hit max_tokens=%d; the answer is cut", self.id, self.settings.max_tokens)
        logger.info(
            "%s done: prompt_tokens=%s answer_tokens=%s total_ms=%.0f",
            self.id,
            response.prompt_eval_count,
            response.eval_count,
            (response.total_duration or 0) / 1e6,
        )

    def _model_missing(self) -> BackendUnavailable:
        return BackendUnavailable(
            f"Ollama model {self.model!r} is not available at {self.settings.base_url}; "
            f"run: ollama pull {self.model} (or set RAG_GENERATOR__PULL_ON_START=true)"
        )

    def _server_down(self, exc: BaseException) -> BackendUnavailable:
        return BackendUnavailable(
            f"Ollama server not reachable at {self.settings.base_url} ({type(exc).__name__}); "
            "start it with 'ollama serve' or check RAG_GENERATOR__BASE_URL"
        )

    def _translate(self, exc: Exception) -> Exception:
        """Map client and transport errors to BackendUnavailable / GenerationError."""
        if isinstance(exc, ollama.ResponseError):
            if exc.status_code == 404 and "not found" in str(exc.error).lower():
                return self._model_missing()
            return GenerationError(f"{self.id} failed: {exc}")
        # ollama raises the builtin ConnectionError for refused connections (non-streaming);
        # the streaming path lets httpx.ConnectError through.
        if isinstance(exc, ConnectionError | httpx.ConnectError | httpx.ConnectTimeout):
            return self._server_down(exc)
        if isinstance(exc, httpx.TimeoutException):
            return GenerationError(f"{self.id} timed out after {self.settings.timeout_s:.0f} s")
        if isinstance(exc, httpx.TransportError):
            return GenerationError(f"{self.id} connection failed mid-answer ({type(exc).__name__})")
        return GenerationError(f"{self.id} failed: {type(exc).__name__}: {exc}")
