"""Domain records and the small protocols every stage speaks.

The agenda item is the unit of citation everywhere: index, API, widget and
eval all refer to ``(meeting_id, item)`` where ``item`` is the agenda number
as printed ("3", "10") or ``"header"`` for the meeting's front matter and
attendance lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

import numpy as np

HEADER = "header"
"""Item id of the meeting's front matter / participant unit."""

PAGE_BREAK = "\f"
"""Loaders separate pages with a form feed so the parser can keep page numbers."""

CELL_BREAK = "\u2029"
"""Loaders separate the paragraphs of one table cell with U+2029 (PARAGRAPH SEPARATOR).

A table row stays on one line (cells split by tabs), but a cell such as "Punkt" may hold a
title paragraph and the case description under it; the parser takes the first paragraph as
the title and turns the marker into a space or a line break elsewhere (``rag.parse.clean``).
"""


@dataclass(frozen=True)
class Document:
    """A file turned into text by a loader (``rag.ingest``)."""

    path: str
    text: str
    format: Literal["txt", "pdf", "docx", "html"]
    sha256: str
    pages: int | None = None


@dataclass(frozen=True)
class Section:
    """A named part of an agenda item ("indstilling", "beslutning", ...)."""

    name: str
    heading: str
    text: str


@dataclass(frozen=True)
class AgendaItem:
    """One agenda item: number and title as printed, body text and sections."""

    number: str
    title: str
    text: str
    sections: tuple[Section, ...] = ()
    decision: str | None = None
    pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class HeaderUnit:
    """Front matter and every participant/attendance list of a meeting."""

    text: str
    participants: tuple[str, ...] = ()
    pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class Meeting:
    """A parsed set of minutes."""

    id: str
    file: str
    cluster: str | None
    body: str | None
    date: str | None
    place: str | None
    title: str | None
    participants: tuple[str, ...]
    header: HeaderUnit
    items: tuple[AgendaItem, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chunk:
    """A searchable unit: an agenda item (or a part of a long one) or a header.

    ``text`` is the raw item text; ``search_text`` is what is embedded and
    matched lexically (meeting context + item title + text).
    """

    id: str
    meeting_id: str
    file: str
    item: str
    title: str
    text: str
    search_text: str
    cluster: str | None
    body: str | None
    date: str | None
    part: int = 0
    decision: str | None = None
    scope: str | None = None


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its score (higher is better)."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None
    coverage: float | None = None
    """Share of the question's content terms found in the item (0..1)."""


@dataclass(frozen=True)
class Citation:
    """A cited agenda item and the verbatim quote that supports the claim."""

    file: str
    meeting_id: str
    cluster: str | None
    body: str | None
    date: str | None
    item: str
    title: str
    quote: str


@dataclass(frozen=True)
class Answer:
    """What the service returns for a question."""

    answer: str
    refused: bool
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    fallback: bool = False
    fallback_reason: str | None = None
    backend: str = "extractive"


@runtime_checkable
class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors of a fixed dimension.

    ``embed_documents`` and ``embed_query`` return arrays of shape (n, dim) and
    (dim,). Backends apply their own prefixes/instructions; callers pass raw
    text. ``id`` identifies model + mode so an index can refuse a mismatch.
    """

    id: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


@runtime_checkable
class Generator(Protocol):
    """Writes an answer from chat messages.

    ``generate`` returns the full text; ``stream`` yields text pieces in order
    whose concatenation equals what ``generate`` would return.
    """

    id: str

    def generate(self, messages: Sequence[dict[str, str]]) -> str: ...

    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]: ...
