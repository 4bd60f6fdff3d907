"""Plain views of a parsed ``Meeting``: a JSON-ready dict and a readable outline."""

from __future__ import annotations

from typing import Any

from rag.parse.sections import sections_dict
from rag.types import Meeting


def meeting_to_dict(meeting: Meeting) -> dict[str, Any]:
    """The meeting as plain data (stable keys; used by eval, debugging and the CLI)."""
    return {
        "file": meeting.file,
        "meeting": {
            "id": meeting.id,
            "cluster": meeting.cluster,
            "body": meeting.body,
            "date": meeting.date,
            "place": meeting.place,
            "title": meeting.title,
            "participants": list(meeting.participants),
        },
        "header": {"text": meeting.header.text, "participants": list(meeting.header.participants)},
        "items": [
            {
                "number": it.number,
                "title": it.title,
                "decision": it.decision,
                "sections": sections_dict(it.sections),
                "text": it.text,
                "pages": list(it.pages),
            }
            for it in meeting.items
        ],
        "warnings": list(meeting.warnings),
    }


def format_outline(meeting: Meeting) -> str:
    """One meeting line, then '  N. Title [beslutning]' per item."""
    head = " · ".join(
        str(x)
        for x in (meeting.file, meeting.cluster or "ukendt klynge", meeting.body, meeting.date, meeting.place)
        if x
    )
    lines = [head]
    for it in meeting.items:
        mark = " [beslutning]" if it.decision else ""
        lines.append(f"  {it.number}. {it.title}{mark}")
    return "\n".join(lines)
