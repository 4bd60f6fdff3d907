"""POST /api/ask/stream over a real server.

Sources first, tokens, verified final answer; a client disconnect stops generation.
"""

from __future__ import annotations

import json
import threading
import time

import httpx

from api.app import create_app
from rag.pipeline import Pipeline

Q = "Hvad besluttede Randersklyngen om IV-behandling?"


class SlowGenerator:
    """Streams a fixed answer a word at a time, slowly, and counts what it produced."""

    id = "slow-test"

    def __init__(self, text: str, delay: float = 0.05) -> None:
        self.text, self.delay = text, delay
        self.produced = 0
        self.closed = threading.Event()

    def generate(self, messages):
        return self.text

    def stream(self, messages):
        try:
            for word in self.text.split(" "):
                time.sleep(self.delay)
                self.produced += 1
                yield word + " "
        finally:
            self.closed.set()


def _events(response):
    kind = None
    for line in response.iter_lines():
        if line.startswith("event:"):
            kind = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and kind:
            yield kind, json.loads(line.split(":", 1)[1]), time.monotonic()
            kind = None


def test_extractive_stream_sources_then_tokens_then_done(fake_settings, live_server_factory):
    server = live_server_factory(create_app(fake_settings))
    with httpx.stream("POST", f"{server.url}/api/ask/stream", json={"question": Q}, timeout=30) as r:
        assert r.status_code == 200
        events = list(_events(r))
    kinds = [k for k, _, _ in events]
    assert kinds[0] == "sources" and kinds[-1] == "done" and "token" in kinds
    sources = events[0][1]["sources"]
    assert sources and sources[0]["n"] == 1 and sources[0]["cluster"] == "Randersklyngen"
    text = "".join(d["text"] for k, d, _ in events if k == "token")
    assert text == events[-1][1]["answer"]


def test_llm_stream_sends_sources_before_the_first_token(fake_settings, live_server_factory):
    gen = SlowGenerator("Randers Kommune opsiger IV-aftalen pr. 15.07.17 [1].", delay=0.2)
    server = live_server_factory(create_app(fake_settings, Pipeline(fake_settings, generator=gen)))
    with httpx.stream("POST", f"{server.url}/api/ask/stream", json={"question": Q}, timeout=30) as r:
        events = list(_events(r))
    first_token = next(t for k, _, t in events if k == "token")
    assert events[0][0] == "sources" and events[0][2] < first_token - 0.1
    done = events[-1][1]
    assert done["backend"] == "slow-test" and not done["fallback"] and done["citations"]


def test_client_disconnect_stops_generation(fake_settings, live_server_factory):
    gen = SlowGenerator(" ".join(["ord"] * 200), delay=0.05)
    server = live_server_factory(create_app(fake_settings, Pipeline(fake_settings, generator=gen)))
    with httpx.stream("POST", f"{server.url}/api/ask/stream", json={"question": Q}, timeout=30) as r:
        for kind, _, _ in _events(r):
            if kind == "token":
                break  # leave after the first token
    assert gen.closed.wait(5), "generation was not closed after the client left"
    assert gen.produced < 100


def test_stream_validates_before_streaming(fake_settings, live_server_factory):
    server = live_server_factory(create_app(fake_settings))
    r = httpx.post(f"{server.url}/api/ask/stream", json={"question": " "})
    assert r.status_code == 422 and r.json()["detail"] == "Skriv et spørgsmål."
