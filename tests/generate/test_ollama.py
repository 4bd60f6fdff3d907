"""The Ollama adapter against recorded ``/api/chat``, ``/api/show`` and ``/api/pull`` responses.

No Ollama server can run in this environment, so these tests replay recorded
protocol responses (``tests/generate/recorded/``: JSON for non-streaming calls,
NDJSON lines for streaming ones, in the field layout Ollama sends: model,
created_at, message{role,content}, done, done_reason, total_duration,
eval_count ...) through ``httpx.MockTransport`` under the real ``ollama``
client. The connection-refused case uses a real unused port on 127.0.0.1.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from rag.errors import BackendUnavailable, GenerationError
from rag.generate import make_generator
from rag.generate.ollama import OllamaGenerator, size_num_ctx
from rag.prompt import estimate_tokens
from rag.settings import GeneratorSettings

RECORDED = Path(__file__).parent / "recorded"
MODEL = "gemma3:12b"
ANSWER = "På mødet den 22.06.2017 varslede Randers Kommune, at kommunen opsiger IV-aftalen pr. 15.07.17 [1]."
MESSAGES = [
    {"role": "system", "content": "Du er en omhyggelig assistent. Svar kun ud fra kilderne."},
    {"role": "user", "content": "<kilde id=\"1\">\n[1] 22.06.2017 · Randersklyngen · punkt 9\n"
     + "Randers Kommune opsiger IV- aftalen pr. 15.07.17. " * 120 + "\n</kilde>\n\nSpørgsmål: Hvornår?"},
]


def _recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


class Recorder:
    """A MockTransport handler that replays recorded responses and keeps the requests it saw."""

    def __init__(self, routes: dict[str, Callable[[dict], httpx.Response]]) -> None:
        self.routes = routes
        self.requests: list[tuple[str, dict]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content or b"{}")
        self.requests.append((request.url.path, body))
        return self.routes[request.url.path](body)


def chat_ok(body: dict) -> httpx.Response:
    if body.get("stream"):
        return httpx.Response(200, content=_recorded("ollama_chat_stream.ndjson"),
                              headers={"content-type": "application/x-ndjson"})
    return httpx.Response(200, content=_recorded("ollama_chat.json"),
                          headers={"content-type": "application/json; charset=utf-8"})


def not_found(body: dict) -> httpx.Response:
    return httpx.Response(404, content=_recorded("ollama_model_not_found.json"),
                          headers={"content-type": "application/json; charset=utf-8"})


def _generator(recorder: Recorder, **settings) -> OllamaGenerator:
    s = GeneratorSettings(backend="ollama", model=MODEL, base_url="http://ollama.test:11434", **settings)
    return OllamaGenerator(s, transport=httpx.MockTransport(recorder))


def test_generate_sends_num_ctx_temperature_keep_alive_and_no_stream() -> None:
    rec = Recorder({"/api/chat": chat_ok})
    gen = _generator(rec)
    assert gen.generate(MESSAGES) == ANSWER
    [(path, body)] = rec.requests
    assert path == "/api/chat"
    assert body["model"] == MODEL and body["stream"] is False
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    estimate = sum(estimate_tokens(m["content"]) for m in MESSAGES)
    options = body["options"]
    assert options["num_ctx"] >= estimate + 512  # prompt + max_tokens (default 512)
    assert options["num_ctx"] % 1024 == 0
    assert options["temperature"] == 0
    assert options["num_predict"] == 512
    assert body["keep_alive"] == "30m"


def test_stream_reads_ndjson_and_matches_generate() -> None:
    rec = Recorder({"/api/chat": chat_ok})
    gen = _generator(rec, keep_alive="5m", temperature=0.2)
    pieces = list(gen.stream(MESSAGES))
    assert len(pieces) == 10
    assert "".join(pieces) == ANSWER
    body = rec.requests[0][1]
    assert body["stream"] is True
    assert body["keep_alive"] == "5m" and body["options"]["temperature"] == 0.2


def test_num_ctx_is_sized_to_the_prompt_and_capped(caplog: pytest.LogCaptureFixture) -> None:
    small = [{"role": "user", "content": "Hej"}]
    assert size_num_ctx(small, 512) == 2048
    assert size_num_ctx([{"role": "user", "content": "x" * 30_000}], 512) == 11264  # 10000+4+512+256
    with caplog.at_level(logging.WARNING, logger="rag.generate.ollama"):
        assert size_num_ctx([{"role": "user", "content": "x" * 30_000}], 512, cap=8192) == 8192
    assert "truncate" in caplog.text
    rec = Recorder({"/api/chat": chat_ok})
    gen = _generator(rec, num_ctx=8192)
    gen.generate(MESSAGES)  # ~2.1k prompt tokens: sized below the cap
    assert rec.requests[0][1]["options"]["num_ctx"] == 3072
    gen.settings = gen.settings.model_copy(update={"num_ctx": 2048})
    gen.generate(MESSAGES)  # the configured num_ctx caps the request
    assert rec.requests[1][1]["options"]["num_ctx"] == 2048


def test_missing_model_says_ollama_pull() -> None:
    gen = _generator(Recorder({"/api/chat": not_found}))
    with pytest.raises(BackendUnavailable, match=f"ollama pull {MODEL}"):
        gen.generate(MESSAGES)
    with pytest.raises(BackendUnavailable, match=f"ollama pull {MODEL}"):
        list(gen.stream(MESSAGES))


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused_is_backend_unavailable() -> None:
    settings = GeneratorSettings(backend="ollama", model=MODEL, base_url=f"http://127.0.0.1:{_unused_port()}",
                                 timeout_s=5)
    gen = OllamaGenerator(settings)
    with pytest.raises(BackendUnavailable, match="not reachable"):
        gen.generate(MESSAGES)
    with pytest.raises(BackendUnavailable, match="not reachable"):
        list(gen.stream(MESSAGES))
    with pytest.raises(BackendUnavailable, match="not reachable"):
        gen.ensure_model()


def test_server_error_and_error_line_mid_stream_are_generation_errors() -> None:
    def boom(body: dict) -> httpx.Response:
        return httpx.Response(500, json={"error": "llama runner process has terminated: signal: killed"})

    with pytest.raises(GenerationError, match="terminated"):
        _generator(Recorder({"/api/chat": boom})).generate(MESSAGES)

    def broken_stream(body: dict) -> httpx.Response:
        first = _recorded("ollama_chat_stream.ndjson").splitlines()[0]
        error = b'{"error":"an error was encountered while running the model"}'
        return httpx.Response(200, content=first + b"\n" + error + b"\n",
                              headers={"content-type": "application/x-ndjson"})

    pieces: list[str] = []
    with pytest.raises(GenerationError, match="error was encountered"):
        for piece in _generator(Recorder({"/api/chat": broken_stream})).stream(MESSAGES):
            pieces.append(piece)
    assert pieces == ["På"]


def test_ensure_model_present_does_not_pull() -> None:
    rec = Recorder({"/api/show": lambda b: httpx.Response(200, content=_recorded("ollama_show.json"))})
    _generator(rec).ensure_model()
    assert [p for p, _ in rec.requests] == ["/api/show"]
    assert rec.requests[0][1]["model"] == MODEL


def test_ensure_model_missing_without_pull_on_start_names_the_command() -> None:
    rec = Recorder({"/api/show": not_found})
    with pytest.raises(BackendUnavailable, match=f"ollama pull {MODEL}"):
        _generator(rec).ensure_model()


def test_ensure_model_pulls_when_pull_on_start() -> None:
    rec = Recorder({
        "/api/show": not_found,
        "/api/pull": lambda b: httpx.Response(200, content=_recorded("ollama_pull.ndjson"),
                                              headers={"content-type": "application/x-ndjson"}),
    })
    _generator(rec, pull_on_start=True).ensure_model()
    assert [p for p, _ in rec.requests] == ["/api/show", "/api/pull"]
    assert rec.requests[1][1]["model"] == MODEL and rec.requests[1][1]["stream"] is True


def test_factory_builds_ollama_without_touching_the_network() -> None:
    gen = make_generator(GeneratorSettings(backend="ollama", model=MODEL, base_url="http://127.0.0.1:9"))
    assert isinstance(gen, OllamaGenerator)
    assert gen.id == f"ollama:{MODEL}"
