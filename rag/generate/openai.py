"""OpenAI-compatible backend: llama.cpp server, vLLM, Ollama ``/v1`` ... through the ``openai`` client."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

import openai

from rag.errors import BackendUnavailable, GenerationError
from rag.settings import GeneratorSettings

logger = logging.getLogger(__name__)


def api_base(url: str) -> str:
    """A bare server URL gets the conventional ``/v1`` path ('http://h:8080' -> 'http://h:8080/v1')."""
    url = url.rstrip("/")
    return url + "/v1" if urlsplit(url).path in ("", "/") else url


class OpenAIGenerator:
    """Chat completions against ``settings.base_url`` (``/v1`` appended when the URL has no path)."""

    def __init__(self, settings: GeneratorSettings, *, http_client: Any | None = None) -> None:
        if not settings.model:
            raise BackendUnavailable("openai backend needs a model name: set RAG_GENERATOR__MODEL")
        self.settings = settings
        self.model: str = settings.model
        self.base_url = api_base(settings.base_url)
        self.id = f"openai:{self.model}"
        # No retries: on failure the pipeline falls back to the extractive answer at once.
        kwargs: dict[str, Any] = {}
        if http_client is not None:
            kwargs["http_client"] = http_client
        self._client = openai.OpenAI(
            base_url=self.base_url,
            api_key=settings.api_key,
            timeout=settings.timeout_s,
            max_retries=0,
            **kwargs,
        )

    @classmethod
    def from_settings(cls, settings: GeneratorSettings) -> OpenAIGenerator:
        """Factory hook."""
        return cls(settings)

    def _params(self, messages: Sequence[dict[str, str]]) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
        }

    def generate(self, messages: Sequence[dict[str, str]]) -> str:
        """Full answer from one chat completion."""
        try:
            response = self._client.chat.completions.create(**self._params(messages))
        except Exception as exc:
            raise self._translate(exc) from exc
        choice = response.choices[0] if response.choices else None
        text = (choice.message.content if choice else None) or ""
        if choice is not None and choice.finish_reason == "length":
            logger.warning("%s hit max_tokens=%d; the answer is cut", self.id, self.settings.max_tokens)
        usage = response.usage
        logger.info(
            "%s done: prompt_tokens=%s answer_tokens=%s",
            self.id,
            usage.prompt_tokens if usage else None,
            usage.completion_tokens if usage else None,
        )
        if not text.strip():
            raise GenerationError(f"{self.id} returned an empty answer")
        return text

    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]:
        """Answer pieces from a streamed chat completion (server-sent events)."""
        produced = False
        try:
            with self._client.chat.completions.create(**self._params(messages), stream=True) as events:
                for event in events:
                    if not event.choices:
                        continue
                    piece = event.choices[0].delta.content
                    if piece:
                        produced = True
                        yield piece
                    if event.choices[0].finish_reason == "length":
                        logger.warning("%s stopped at max_tokens; the answer is cut", self.id)
        except (BackendUnavailable, GenerationError):
            raise
        except Exception as exc:
            raise self._translate(exc) from exc
        if not produced:
            raise GenerationError(f"{self.id} streamed an empty answer")

    def _translate(self, exc: Exception) -> Exception:
        """Map ``openai`` errors to BackendUnavailable / GenerationError."""
        if isinstance(exc, openai.APITimeoutError):
            return GenerationError(f"{self.id} timed out after {self.settings.timeout_s:.0f} s")
        if isinstance(exc, openai.APIConnectionError):
            return BackendUnavailable(
                f"OpenAI-compatible server not reachable at {self.base_url}; "
                "start it or check RAG_GENERATOR__BASE_URL"
            )
        if isinstance(exc, openai.NotFoundError):
            return BackendUnavailable(
                f"model {self.model!r} (or the /chat/completions route) not found at {self.base_url}: {exc}"
            )
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return BackendUnavailable(f"{self.base_url} refused the API key; check RAG_GENERATOR__API_KEY")
        return GenerationError(f"{self.id} failed: {type(exc).__name__}: {exc}")
