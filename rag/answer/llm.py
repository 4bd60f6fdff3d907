"""LLM answers over the items the extractive answerer chose, with verified citations.

The LLM sees only the agenda items that passed the relevance gate (numbered
[1]…[k] in ``prompts/``). Its answer is checked sentence by sentence
(``rag.cite.verify``); an unsupported claim, an out-of-range or wrong [n], or
no valid citation returns the extractive answer instead, with ``fallback`` set
and the reason. A refusal by the extractive gate is final: there is nothing to
write from, and an LLM would only invent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from rag.cite import verify
from rag.errors import BackendUnavailable, GenerationError
from rag.prompt import Prompts, build_messages, max_context_chars_for
from rag.settings import GeneratorSettings
from rag.types import Answer, Generator, Hit

logger = logging.getLogger(__name__)

DEFAULT_NUM_CTX = 4096


@dataclass(frozen=True)
class Draft:
    """What the LLM is asked: the messages and the sources they number."""

    messages: list[dict[str, str]]
    sources: list[Hit]


def sources_for(extractive: Answer) -> list[Hit]:
    """The hits behind the extractive answer's citations, in citation order."""
    by_key = {(h.chunk.meeting_id, h.chunk.item): h for h in extractive.hits}
    out = []
    for c in extractive.citations:
        h = by_key.get((c.meeting_id, c.item))
        if h is not None and h not in out:
            out.append(h)
    return out


def draft(question: str, extractive: Answer, prompts: Prompts, settings: GeneratorSettings) -> Draft:
    """Messages for the LLM, sized so the context fits ``num_ctx`` with room for the answer."""
    budget = max_context_chars_for(settings.num_ctx or DEFAULT_NUM_CTX, settings.max_tokens)
    messages, used = build_messages(question, sources_for(extractive), prompts, max_context_chars=budget)
    return Draft(messages=messages, sources=used)


def finish(text: str, d: Draft, extractive: Answer, generator_id: str) -> Answer:
    """Verify the LLM's text; keep it when every claim is supported, else fall back."""
    check = verify(text, d.sources)
    if check.ok and check.citations:
        return replace(extractive, answer=text.strip(), citations=tuple(check.citations), backend=generator_id,
                       fallback=False, fallback_reason=None)
    reason = check.reason or ("refused" if check.refused else "no_valid_citation")
    logger.info("LLM answer rejected (%s); answering extractively", reason)
    return replace(extractive, fallback=True, fallback_reason=reason)


def answer_llm(question: str, extractive: Answer, generator: Generator, prompts: Prompts,
               settings: GeneratorSettings) -> Answer:
    """The verified LLM answer, or the extractive one with the reason it was kept."""
    if extractive.refused or not extractive.citations:
        return extractive
    d = draft(question, extractive, prompts, settings)
    try:
        text = generator.generate(d.messages)
    except (BackendUnavailable, GenerationError) as exc:
        logger.warning("LLM unavailable (%s); answering extractively", type(exc).__name__)
        return replace(extractive, fallback=True, fallback_reason=f"llm_error: {type(exc).__name__}")
    return finish(text, d, extractive, generator.id)


def stream_llm(d: Draft, generator: Generator) -> Iterator[str]:
    """The LLM's answer as it is written (verified afterwards by ``finish``)."""
    yield from generator.stream(d.messages)


def chunks_of(text: str, size: int = 24) -> Sequence[str]:
    """An extractive answer cut into pieces so it streams like generated text."""
    words = text.split(" ")
    return [" ".join(words[i:i + size]) + (" " if i + size < len(words) else "")
            for i in range(0, len(words), size)]
