"""Parse time of the sample corpus (load + parse, no embedding)."""

from __future__ import annotations

from typing import Any

from bench.common import MINUTES, summary_ms, timed
from rag.ingest import iter_files, load_document
from rag.parse import parse_minutes


def run(repeat: int = 20) -> dict[str, Any]:
    files = list(iter_files([MINUTES]))
    docs = [load_document(f) for f in files]
    corpus = [timed(lambda: [parse_minutes(d.text, d.path) for d in docs]) for _ in range(repeat)]
    load = [timed(lambda: [load_document(f) for f in files]) for _ in range(repeat)]
    items = sum(len(parse_minutes(d.text, d.path).items) for d in docs)
    return {"files": len(files), "items": items, "parse_corpus": summary_ms(corpus),
            "load_corpus": summary_ms(load)}
