"""Queued-reply generator for unit tests: deterministic, no model, records what it was asked."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rag.errors import GenerationError

if TYPE_CHECKING:
    from rag.settings import GeneratorSettings

REFUSAL = "Det fremgår ikke af referaterne."

# A word with the whitespace before it, so the pieces concatenate back to the reply.
_PIECE = re.compile(r"\s*\S+|\s+$")


class FakeGenerator:
    """Returns queued replies in order; ``stream`` yields them word by word.

    When the queue is empty it returns ``default`` or, if that is None, raises
    ``GenerationError`` (so a test notices an unexpected extra call).
    """

    def __init__(self, replies: list[str] | None = None, *, default: str | None = None) -> None:
        self.id = "fake"
        self._replies: deque[str] = deque(replies or [])
        self.default = default
        self.calls: list[list[dict[str, str]]] = []

    @classmethod
    def from_settings(cls, settings: GeneratorSettings) -> FakeGenerator:
        """Factory hook: an empty queue that answers every question with the Danish refusal."""
        return cls([], default=REFUSAL)

    def _next(self, messages: Sequence[dict[str, str]]) -> str:
        self.calls.append([dict(m) for m in messages])
        if self._replies:
            return self._replies.popleft()
        if self.default is None:
            raise GenerationError("FakeGenerator has no queued reply left")
        return self.default

    def generate(self, messages: Sequence[dict[str, str]]) -> str:
        """Pop the next queued reply."""
        return self._next(messages)

    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]:
        """Yield the next queued reply as word pieces that concatenate to it."""
        reply = self._next(messages)
        yield from _PIECE.findall(reply)
