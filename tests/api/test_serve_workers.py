"""``rag serve --workers 2``: two worker processes, each with its own index, answer concurrently."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from api.server import free_port
from rag.pipeline import Pipeline
from tests.conftest import MINUTES, make_settings, rag_serve

pytestmark = pytest.mark.slow


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def test_two_workers_serve_the_cli_index_dir(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "index")
    Pipeline(settings).ingest([MINUTES])
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update({"RAG_EMBEDDER__BACKEND": "fake", "RAG_ACCESS__FEEDBACK_DB": str(tmp_path / "fb.sqlite"),
                "RAG_ACCESS__UPLOADS_DIR": str(tmp_path / "uploads")})
    with rag_serve(["--index-dir", str(settings.index.dir), "--workers", "2"], env, tmp_path, port) as (url, proc):
        # uvicorn's supervisor spawned two workers (plus, possibly, multiprocessing's resource tracker)
        workers = [c for c in _children(proc.pid)
                   if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]
        assert len(workers) == 2, workers

        def ask(i: int) -> httpx.Response:
            question = f"Hvad besluttede Randersklyngen om IV-behandling? ({i})"
            return httpx.post(f"{url}/api/ask", json={"question": question}, timeout=60)

        with ThreadPoolExecutor(max_workers=8) as pool:
            replies = list(pool.map(ask, range(16)))
        assert all(r.status_code == 200 for r in replies)
        assert all(r.json()["citations"] and r.json()["citations"][0]["cluster"] == "Randersklyngen"
                   for r in replies)
