"""Under concurrent load, at most ``api.max_parallel`` questions are computed at once and the
rest wait their turn in arrival order (real server, real threads). Streamed questions count
against the same limit while they retrieve."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from api.app import create_app
from rag.pipeline import Pipeline

HOLD_S = 0.5  # each ask is held this long: with 2 slots, later arrivals queue
SPACING_S = 0.1


class TrackingPipeline(Pipeline):
    """The real pipeline, with each retrieval + extractive draft held for a while and concurrency
    recorded (``ask`` and ``stream`` both go through ``_extractive``)."""

    def __init__(self, settings) -> None:  # type: ignore[no-untyped-def]
        super().__init__(settings)
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.started: list[str] = []

    def _extractive(self, question, filters, top_k):  # type: ignore[no-untyped-def,override]
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
            self.started.append(question)
        try:
            time.sleep(HOLD_S)
            return super()._extractive(question, filters, top_k)
        finally:
            with self.lock:
                self.running -= 1


def test_at_most_max_parallel_asks_run_and_the_rest_queue_in_order(fake_settings, live_server_factory):
    settings = fake_settings.model_copy(update={"api": fake_settings.api.model_copy(update={"max_parallel": 2})})
    pipeline = TrackingPipeline(settings)
    server = live_server_factory(create_app(settings, pipeline))
    questions = [f"Hvad besluttede Randersklyngen om IV-behandling? nr {i}" for i in range(8)]

    def ask(i: int) -> httpx.Response:
        time.sleep(SPACING_S * i)  # arrive in order, far apart next to HTTP and thread jitter
        return httpx.post(f"{server.url}/api/ask", json={"question": questions[i]}, timeout=30)

    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(ask, range(8)))
    assert all(r.status_code == 200 and r.json()["citations"] for r in replies)
    assert pipeline.peak == 2, pipeline.peak
    # Admission is first come, first served; two questions admitted at the same moment may still
    # record their start in either order, so each starts within one place of its arrival.
    positions = [pipeline.started.index(q) for q in questions]
    assert all(abs(pos - i) <= 1 for i, pos in enumerate(positions)), pipeline.started


def test_streamed_questions_wait_for_a_compute_slot_too(fake_settings, live_server_factory):
    settings = fake_settings.model_copy(update={"api": fake_settings.api.model_copy(update={"max_parallel": 1})})
    pipeline = TrackingPipeline(settings)
    server = live_server_factory(create_app(settings, pipeline))

    def stream(i: int) -> tuple[int, str]:
        with httpx.stream("POST", f"{server.url}/api/ask/stream", timeout=30,
                          json={"question": f"Hvad besluttede Randersklyngen om IV-behandling? nr {i}"}) as r:
            return r.status_code, r.read().decode()

    with ThreadPoolExecutor(max_workers=3) as pool:
        replies = list(pool.map(stream, range(3)))
    assert all(code == 200 and "event: sources" in body and "event: done" in body for code, body in replies)
    assert pipeline.peak == 1, pipeline.peak
