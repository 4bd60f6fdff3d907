"""Meeting -> searchable chunks: one per agenda item (split when long) plus the header.

Every chunk keeps its item's identity (meeting id, item number, title), so a
hit on any part of a long item is a hit on the item. The text that is embedded
and matched lexically starts with the meeting context, because questions name
clusters, bodies and months ("Randersklyngen", "i juni 2017") that an item's own
text rarely repeats.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.dates import DANISH_MONTHS
from rag.settings import IndexSettings
from rag.types import HEADER, AgendaItem, Chunk, Meeting

logger = logging.getLogger(__name__)


def _word_count(text: str) -> int:
    return len(text.split())


def format_date(iso: str | None) -> str:
    """'2017-06-22' -> '22.06.2017' (the way minutes print dates); None -> 'udateret'."""
    if not iso:
        return "udateret"
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    return f"{m.group(3)}.{m.group(2)}.{m.group(1)}" if m else iso


def item_label(date: str | None, where: str | None, item: str, title: str) -> str:
    """'22.06.2017 · Randersklyngen · punkt 9 «Varsling af opsigelse af IV- aftale»' — the one
    label answers, prompts and the widget use for a cited agenda item."""
    unit = "mødets forside/deltagere" if item == HEADER else f"punkt {item} «{' '.join(title.split())}»"
    return f"{format_date(date)} · {where or 'ukendt klynge'} · {unit}"


def _date_words(iso: str | None) -> str:
    """'2017-06-22' -> '22. juni 2017' so lexical search matches 'juni 2017'."""
    if not iso or len(iso) != 10:
        return ""
    y, m, d = iso.split("-")
    return f"{int(d)}. {DANISH_MONTHS[int(m) - 1]} {y}"


def context_line(meeting: Meeting, item: str, title: str) -> str:
    """The meeting context that prefixes every chunk's search text."""
    parts = [p for p in (meeting.cluster, meeting.body) if p]
    if meeting.date:
        parts.append(f"{format_date(meeting.date)} ({_date_words(meeting.date)})")
    where = "mødets forside og deltagere" if item == HEADER else f"punkt {item}: {title}"
    return " · ".join([*parts, where])


def _title_key(text: str) -> str:
    words = re.findall(r"[\wæøå]+", text.lower())
    return " ".join(words[:4])


def header_text(meeting: Meeting) -> str:
    """The header unit without the printed agenda list (its titles are the items' job)."""
    lines = meeting.header.text.splitlines()
    keys = [_title_key(i.title) for i in meeting.items if _title_key(i.title)]
    if len(keys) < 2:
        return meeting.header.text.strip()
    norm = [_title_key(re.sub(r"^\s*(?:punkt\s*)?\d{1,2}\s*[.):]?\s*", "", ln, flags=re.I)) for ln in lines]
    hits = [i for i, n in enumerate(norm) if n and any(n.startswith(k) or k.startswith(n) for k in keys)]
    if len(hits) < 2:
        return meeting.header.text.strip()
    first, last = hits[0], hits[-1]
    # Keep the printed agenda's trailing "Bilag" bullets out too: up to the next blank line.
    while last + 1 < len(lines) and lines[last + 1].strip() and len(lines[last + 1].split()) < 12:
        last += 1
    return "\n".join(lines[:first] + lines[last + 1:]).strip()


def _splitter(settings: IndexSettings) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=settings.chunk_words,
        chunk_overlap=settings.chunk_overlap_words,
        length_function=_word_count,
        separators=["\n\n", "\n", ". ", " ", ""],
        keep_separator="end",
    )


def _item_body(item: AgendaItem) -> str:
    return item.text.strip() or item.title


def chunk_meeting(meeting: Meeting, settings: IndexSettings, scope: str | None = None) -> list[Chunk]:
    """Chunks for one meeting: the header unit first, then each agenda item in order."""
    splitter = _splitter(settings)
    scope = scope if scope is not None else meeting.cluster
    units: list[tuple[str, str, str, str | None]] = []
    head = header_text(meeting)
    if head:
        units.append((HEADER, meeting.title or "Mødets forside", head, None))
    for item in meeting.items:
        units.append((item.number, item.title, _item_body(item), item.decision))

    chunks: list[Chunk] = []
    for number, title, body, decision in units:
        ctx = context_line(meeting, number, title)
        parts = [body] if _word_count(body) <= settings.chunk_words else splitter.split_text(body)
        for i, part in enumerate(parts):
            chunks.append(
                Chunk(
                    id=f"{meeting.id}#{number}#{i}",
                    meeting_id=meeting.id,
                    file=meeting.file,
                    item=number,
                    title=title,
                    text=part,
                    search_text=f"{ctx}\n{part}",
                    cluster=meeting.cluster,
                    body=meeting.body,
                    date=meeting.date,
                    part=i,
                    decision=decision,
                    scope=scope,
                )
            )
    logger.debug("chunked %s into %d chunks", meeting.id, len(chunks))
    return chunks


def chunk_meetings(meetings: Iterable[Meeting], settings: IndexSettings) -> list[Chunk]:
    """Chunks for several meetings, in order."""
    return [c for m in meetings for c in chunk_meeting(m, settings)]
