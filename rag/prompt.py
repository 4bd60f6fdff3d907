"""Prompt texts (``prompts/*.md``) and the chat messages built from a question and its hits.

Sources are numbered ``[1]..[k]`` in rank order; ``build_messages`` returns the
hits it actually used so that ``[n]`` in the answer maps to ``used[n - 1]``.
Retrieved text is fenced in ``<kilde id="n"> … </kilde>`` and declared as data;
fence-like tags inside the minutes are defused so a source cannot close its fence.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.chunk import item_label
from rag.types import Chunk, Hit

logger = logging.getLogger(__name__)

CHARS_PER_TOKEN = 3.0
"""Rough chars/token for Danish text with multilingual tokenizers (errs on the generous side)."""

MIN_CONTEXT_CHARS = 500
SHARE_CAP = 0.6
"""With several sources, no single text may take more than this share of the context."""
ELLIPSIS = " […]"

_PLACEHOLDER = re.compile(r"\{(sources|question)\}")
_FENCE_TAG = re.compile(r"<\s*/?\s*kilde\b[^>]*>?", re.IGNORECASE)


@dataclass(frozen=True)
class Prompts:
    """The system prompt, the answer template and a content hash to record in eval results."""

    system: str
    answer: str
    version: str


def estimate_tokens(text: str) -> int:
    """Token estimate for Danish text (chars / 3, rounded up)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def max_context_chars_for(num_ctx: int, max_tokens: int, overhead_tokens: int = 800) -> int:
    """Source budget in chars for a context window (system prompt + question ≈ overhead_tokens)."""
    return max(MIN_CONTEXT_CHARS, int((num_ctx - max_tokens - overhead_tokens) * CHARS_PER_TOKEN))


def load_prompts(dir: Path = Path("prompts")) -> Prompts:
    """Read ``system.md`` and ``answer.md``; ``version`` is sha256 of both files (first 12 hex)."""
    folder = dir
    if not folder.is_dir() and not folder.is_absolute():
        # Running from another working directory (tests, scripts): use the repository's copy.
        folder = Path(__file__).resolve().parent.parent / dir
    system_bytes = (folder / "system.md").read_bytes()
    answer_bytes = (folder / "answer.md").read_bytes()
    answer = answer_bytes.decode("utf-8")
    missing = {"sources", "question"} - set(_PLACEHOLDER.findall(answer))
    if missing:
        raise ValueError(f"{folder / 'answer.md'} lacks the placeholder(s) {sorted(missing)}")
    digest = hashlib.sha256(system_bytes + b"\0" + answer_bytes).hexdigest()[:12]
    logger.debug("loaded prompts from %s (version %s)", folder, digest)
    return Prompts(system=system_bytes.decode("utf-8").strip(), answer=answer.strip(), version=digest)


def source_label(chunk: Chunk) -> str:
    """'22.06.2017 · Randersklyngen · punkt 9 «Varsling af opsigelse af IV- aftale»'."""
    return item_label(chunk.date, chunk.cluster or chunk.body, chunk.item, chunk.title)


def compact(text: str) -> str:
    """Strip trailing spaces, collapse runs of spaces and of blank lines (minutes are full of both)."""
    text = text.replace("\f", "\n").replace("\r", "")
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def defuse(text: str) -> str:
    """Make ``<kilde>``/``</kilde>`` look-alikes inside a source harmless (‹kilde›)."""
    return _FENCE_TAG.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)


def source_body(chunk: Chunk) -> str:
    """The decision section first, then the item text (without repeating the decision)."""
    text = compact(chunk.text)
    decision = compact(chunk.decision) if chunk.decision else ""
    if not decision:
        return text
    if len(decision) >= 40 and decision in text:
        text = text.replace(decision, "(se beslutningen ovenfor)", 1)
    return f"Beslutning:\n{decision}\n\nTekst:\n{text}"


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(ELLIPSIS))]
    space = cut.rfind(" ")
    if space > len(cut) * 0.8:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def _block(n: int, chunk: Chunk, body: str) -> str:
    # The label holds the item title, which is minutes text too: defused like the body.
    return f'<kilde id="{n}">\n[{n}] {defuse(source_label(chunk))}\n{defuse(body)}\n</kilde>'


def render_sources(hits: Sequence[Hit], max_context_chars: int) -> tuple[str, list[Hit]]:
    """Fenced, numbered source blocks within ``max_context_chars`` and the hits they hold.

    Long texts are first cut to a share of the budget (so one item cannot crowd out
    the rest); then the lowest-ranked sources are dropped until the others fit; a
    single source that still does not fit is truncated.
    """
    if max_context_chars < MIN_CONTEXT_CHARS:
        raise ValueError(f"max_context_chars must be at least {MIN_CONTEXT_CHARS}")
    cap = max_context_chars if len(hits) <= 1 else int(max_context_chars * SHARE_CAP)
    blocks: list[str] = []
    total = 0
    for n, hit in enumerate(hits, start=1):
        body = source_body(hit.chunk)
        room = cap - len(_block(n, hit.chunk, ""))
        if len(body) > room:
            logger.debug("source %d (%s) cut from %d to %d chars", n, hit.chunk.id, len(body), room)
            body = _truncate(body, max(room, 0))
        block = _block(n, hit.chunk, body)
        sep = 2 if blocks else 0
        if total + sep + len(block) > max_context_chars:
            if blocks:
                break  # drop this and every lower-ranked source
            block = _block(n, hit.chunk, _truncate(body, len(body) - (len(block) - max_context_chars)))
        blocks.append(block)
        total += sep + len(block)
    if len(blocks) < len(hits):
        logger.info("budget %d chars: kept %d of %d sources", max_context_chars, len(blocks), len(hits))
    return "\n\n".join(blocks), list(hits[: len(blocks)])


def build_messages(
    question: str, hits: Sequence[Hit], prompts: Prompts, *, max_context_chars: int
) -> tuple[list[dict[str, str]], list[Hit]]:
    """System + user messages for ``question`` over ``hits``, and the hits used ([n] -> used[n-1])."""
    sources, used = render_sources(hits, max_context_chars)
    values = {"sources": sources or "(ingen kilder)", "question": " ".join(question.split())}
    # One pass, so a placeholder-like string inside a source or question is never expanded.
    user = _PLACEHOLDER.sub(lambda m: values[m.group(1)], prompts.answer)
    messages = [{"role": "system", "content": prompts.system}, {"role": "user", "content": user}]
    return messages, used
