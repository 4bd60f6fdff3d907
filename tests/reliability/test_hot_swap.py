"""A running server keeps answering while the index is rebuilt under it, then answers from the new build.

A real uvicorn server on 127.0.0.1 serves the index while (1) a thread in the test process and
(2) a separate ``rag ingest`` process publish new builds of a changed corpus. Clients fire a
bounded number of /api/ask requests throughout; every one must succeed with a cited answer.
The second swap also deletes the first build (only current + previous are kept) while the
server may still hold it open.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from rag.index import current_build_id
from tests.conftest import ROOT
from tests.reliability.conftest import FACT_FILE, FACT_QUESTION, Q, add_fact

CLIENTS = 3
MAX_REQUESTS = 150  # across all clients, so a slow machine cannot make the test run away


def _hammer(url: str, stop: threading.Event, results: list[tuple[int, dict | str]], budget: threading.Semaphore):
    with httpx.Client(base_url=url, timeout=60) as client:
        while not stop.is_set() and budget.acquire(blocking=False):
            r = client.post("/api/ask", json={"question": Q})
            try:
                results.append((r.status_code, r.json()))
            except ValueError:
                results.append((r.status_code, r.text))


def _ingest_process(index_dir: Path, corpus: Path) -> None:
    env = {**os.environ, "RAG_EMBEDDER__BACKEND": "fake", "RAG_GENERATOR__BACKEND": "extractive"}
    rag = ROOT / ".venv" / "bin" / "rag"
    cmd = [str(rag)] if rag.exists() else ["python", "-c", "from rag.cli import main; main()"]
    proc = subprocess.run([*cmd, "ingest", str(corpus), "--index-dir", str(index_dir)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr


def _fact_answer(url: str) -> dict:
    r = httpx.post(f"{url}/api/ask", json={"question": FACT_QUESTION}, timeout=60)
    assert r.status_code == 200
    return r.json()


def _has_fact(body: dict) -> bool:
    return any("Kvælstofpiloten" in c["quote"] for c in body["citations"])


@pytest.mark.slow
def test_answers_during_and_after_hot_swaps(built, corpus, live_server_factory):
    from rag.pipeline import Pipeline

    index_dir = built.index.dir
    server = live_server_factory(create_app(built))
    first = current_build_id(index_dir)
    assert httpx.get(f"{server.url}/api/health").json()["index"]["build"] == first
    assert not _has_fact(_fact_answer(server.url)), "the fact is not in the first build"

    stop = threading.Event()
    budget = threading.Semaphore(MAX_REQUESTS)
    results: list[tuple[int, dict | str]] = []
    with ThreadPoolExecutor(CLIENTS) as pool:
        clients = [pool.submit(_hammer, server.url, stop, results, budget) for _ in range(CLIENTS)]
        try:
            time.sleep(0.3)
            # Swap 1: a thread of this process publishes a build with the new fact.
            add_fact(corpus)
            Pipeline(built).ingest([corpus])
            second = current_build_id(index_dir)
            time.sleep(0.3)
            # Swap 2: another process changes another file; the first build is deleted.
            other = next(p for p in sorted(corpus.iterdir()) if p.name != FACT_FILE)
            other.write_text(other.read_text(encoding="utf-8") + "\nTilføjet efter mødet.\n", encoding="utf-8")
            _ingest_process(index_dir, corpus)
            third = current_build_id(index_dir)
            time.sleep(0.3)
        finally:
            stop.set()
        for c in clients:
            c.result()

    assert len({first, second, third}) == 3
    assert not (index_dir / "builds" / str(first)).exists(), "older builds are cleaned up"
    assert results, "no request was made during the swaps"
    errors = [(s, b) for s, b in results if s != 200]
    assert not errors, errors[:3]
    bad = [b for _, b in results if not isinstance(b, dict) or b["refused"] or not b["citations"]]
    assert not bad, bad[:3]

    # After the swaps the server answers from the newest build.
    assert httpx.get(f"{server.url}/api/health").json()["index"]["build"] == third
    after = _fact_answer(server.url)
    assert not after["refused"] and _has_fact(after), after["answer"]
