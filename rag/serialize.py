"""Answer and retrieval records as the JSON the API, CLI and eval share."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rag.types import Answer, Citation, Hit


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    """One retrieved agenda item."""
    c = hit.chunk
    return {
        "file": c.file, "meeting_id": c.meeting_id, "item": c.item, "title": c.title,
        "cluster": c.cluster, "date": c.date, "score": round(hit.score, 4),
        "coverage": None if hit.coverage is None else round(hit.coverage, 3),
    }


def citation_to_dict(c: Citation, n: int | None = None) -> dict[str, Any]:
    """One citation; ``n`` is its [n] number in the answer."""
    d = asdict(c)
    if n is not None:
        d["n"] = n
    return d


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The ``/api/ask`` response body."""
    return {
        "answer": answer.answer,
        "refused": answer.refused,
        "citations": [asdict(c) for c in answer.citations],
        "retrieved": [hit_to_dict(h) for h in answer.hits],
        "timings": {k: round(v, 1) for k, v in answer.timings.items()},
        "backend": answer.backend,
        "fallback": answer.fallback,
        "fallback_reason": answer.fallback_reason,
    }
