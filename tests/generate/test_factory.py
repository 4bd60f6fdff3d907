"""make_generator: backend mapping, lazy imports, and the FakeGenerator contract."""

from __future__ import annotations

import socket
import sys

import pytest

from rag.errors import BackendUnavailable, GenerationError
from rag.generate import make_generator
from rag.generate.fake import REFUSAL, FakeGenerator
from rag.generate.openai import OpenAIGenerator, api_base
from rag.settings import GeneratorSettings
from rag.types import Generator

MESSAGES = [{"role": "user", "content": "Hvornår opsagde Randers IV-aftalen?"}]


def test_extractive_means_no_generator() -> None:
    assert make_generator(GeneratorSettings()) is None


def test_fake_backend_refuses_by_default() -> None:
    gen = make_generator(GeneratorSettings(backend="fake"))
    assert isinstance(gen, FakeGenerator) and isinstance(gen, Generator)
    assert gen.generate(MESSAGES) == REFUSAL


def test_fake_replies_in_order_and_streams_word_pieces() -> None:
    gen = FakeGenerator(["Randers Kommune opsiger IV- aftalen pr. 15.07.17 [1].", "Andet svar."])
    pieces = list(gen.stream(MESSAGES))
    assert pieces[:3] == ["Randers", " Kommune", " opsiger"]
    assert "".join(pieces) == "Randers Kommune opsiger IV- aftalen pr. 15.07.17 [1]."
    assert gen.generate(MESSAGES) == "Andet svar."
    assert gen.calls == [MESSAGES, MESSAGES]
    with pytest.raises(GenerationError):
        gen.generate(MESSAGES)


def test_missing_dependency_names_the_pip_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes 'import llama_cpp' fail
    monkeypatch.delitem(sys.modules, "rag.generate.llamacpp", raising=False)
    with pytest.raises(BackendUnavailable, match=r"pip install 'referat-rag\[llamacpp\]'"):
        make_generator(GeneratorSettings(backend="llamacpp", model="/nonexistent.gguf"))
    monkeypatch.setitem(sys.modules, "ollama", None)
    monkeypatch.delitem(sys.modules, "rag.generate.ollama", raising=False)
    with pytest.raises(BackendUnavailable, match="pip install 'ollama"):
        make_generator(GeneratorSettings(backend="ollama", model="gemma3:12b"))


def test_llamacpp_needs_an_existing_gguf(tmp_path) -> None:  # noqa: ANN001
    pytest.importorskip("llama_cpp")
    with pytest.raises(BackendUnavailable, match=r"\.gguf"):
        make_generator(GeneratorSettings(backend="llamacpp", model=str(tmp_path / "missing.gguf")))


def test_openai_base_url_gets_v1() -> None:
    assert api_base("http://localhost:8080") == "http://localhost:8080/v1"
    assert api_base("http://localhost:11434/") == "http://localhost:11434/v1"
    assert api_base("http://vllm:8000/v1") == "http://vllm:8000/v1"


def test_openai_connection_refused_is_backend_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gen = OpenAIGenerator(GeneratorSettings(backend="openai", model="m", base_url=f"http://127.0.0.1:{port}",
                                            timeout_s=5))
    with pytest.raises(BackendUnavailable, match="not reachable"):
        gen.generate(MESSAGES)
    with pytest.raises(BackendUnavailable, match="not reachable"):
        list(gen.stream(MESSAGES))
