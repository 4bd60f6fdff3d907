"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from rag import retrieve

# Benchmarks time the work, not the query-vector cache: questions asked again (rounds, or /api/search
# after /api/ask of the same question) are embedded again.
retrieve.QUERY_CACHE_SIZE = 0

ROOT = Path(__file__).resolve().parent.parent
MINUTES = ROOT / "data" / "minutes"
QUESTIONS = ROOT / "eval" / "questions.jsonl"


def pct(values: list[float], q: float) -> float:
    """q-th percentile (0..100) of ``values``."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of ``fn`` takes."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def summary_ms(samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {"n": len(ms), "p50_ms": round(pct(ms, 50), 2), "p95_ms": round(pct(ms, 95), 2),
            "mean_ms": round(statistics.fmean(ms), 2)}


def time_ask_and_search(client, questions: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Seconds per /api/ask and per /api/search over ``rounds`` passes of ``questions``."""
    ask: list[float] = []
    search: list[float] = []
    for _ in range(rounds):
        for q in questions:
            t0 = time.perf_counter()
            client.post("/api/ask", json={"question": q}).raise_for_status()
            t1 = time.perf_counter()
            client.post("/api/search", json={"question": q}).raise_for_status()
            ask.append(t1 - t0)
            search.append(time.perf_counter() - t1)
    return ask, search
