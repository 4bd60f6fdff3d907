"""A damaged index is reported, never half-used: ``rag ask`` fails naming the rebuild command,
the API answers 503 in Danish, and ``rag ingest --rebuild`` recovers.

Each case damages one file of the current build the way a full disk, a bad copy or an
operator's ``rm`` would. Same-length damage inside the memory-mapped text blobs cannot be seen
at load time (there are no checksums); it must surface as IndexCorrupt (503) when the damaged
meeting or chunk is first decoded, not as a 500.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from rag import store
from rag.cli import app as cli
from rag.errors import IndexCorrupt
from rag.pipeline import Pipeline
from tests.conftest import ROOT
from tests.reliability.conftest import Q

REBUILD = "rag ingest --rebuild"


def _truncate(name: str) -> Callable[[Path], None]:
    def damage(build: Path) -> None:
        path = build / name
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return damage


def _replace(name: str, data: bytes) -> Callable[[Path], None]:
    def damage(build: Path) -> None:
        (build / name).write_bytes(data)
    return damage


def _manifest_without(key: str) -> Callable[[Path], None]:
    def damage(build: Path) -> None:
        manifest = json.loads((build / "manifest.json").read_bytes())
        del manifest[key]
        (build / "manifest.json").write_text(json.dumps(manifest))
    return damage


def _delete(name: str) -> Callable[[Path], None]:
    def damage(build: Path) -> None:
        path = build / name
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return damage


DAMAGE: dict[str, Callable[[Path], None]] = {
    "faiss.index truncated": _truncate("faiss.index"),
    "faiss.index emptied": _replace("faiss.index", b""),
    "chunks.json garbled": _replace("chunks.json", b"\x00\xffnot json{{"),
    "chunks.json truncated": _truncate("chunks.json"),
    "chunks.json wrong type": _replace("chunks.json", b"[1, 2, 3]"),
    "manifest.json garbled": _replace("manifest.json", b"\x89PNG garbage"),
    "manifest.json truncated": _truncate("manifest.json"),
    "manifest.json wrong type": _replace("manifest.json", b"[]"),
    "manifest.json without n_chunks": _manifest_without("n_chunks"),
    "manifest.json without index_type": _manifest_without("index_type"),
    "lexical/ deleted": _delete("lexical"),
    "meetings.json truncated": _truncate("meetings.json"),
    "chunks.text.txt truncated": _truncate("chunks.text.txt"),
    "vectors.npy deleted": _delete("vectors.npy"),
}


@pytest.fixture(params=sorted(DAMAGE))
def damaged(request, built):
    build = store.current_build_dir(built.index.dir)
    assert build is not None
    DAMAGE[request.param](build)
    return built


def _flat(text: str) -> str:
    """Rich wraps long error lines to the terminal width; compare with whitespace collapsed."""
    return " ".join(text.split())


def test_cli_ask_fails_naming_the_rebuild_command(damaged):
    env = {"RAG_EMBEDDER__BACKEND": "fake", "RAG_GENERATOR__BACKEND": "extractive"}
    result = CliRunner().invoke(cli, ["ask", Q, "--index-dir", str(damaged.index.dir)], env=env)
    assert result.exit_code != 0
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        f"crashed instead of reporting: {result.exception!r}")
    message = _flat(result.output)
    assert "error:" in message and REBUILD in message, message


def test_api_answers_503_asking_for_a_rebuild(damaged):
    with TestClient(create_app(damaged), raise_server_exceptions=False) as client:
        health = client.get("/api/health")
        assert health.status_code == 200 and health.json()["index"]["ready"] is False
        r = client.post("/api/ask", json={"question": Q})
        assert r.status_code == 503, r.text
        body = r.json()
        assert body["error"] == "IndexCorrupt"
        assert "genopbygge" in body["detail"] and REBUILD in body["detail"]
        for path in ("/api/meetings",):
            assert client.get(path).status_code == 503
        assert client.post("/api/search", json={"question": Q}).status_code == 503


def test_rebuild_recovers(damaged, corpus):
    with pytest.raises(IndexCorrupt):
        Pipeline(damaged).ask(Q)
    Pipeline(damaged).ingest([corpus], rebuild=True)
    answer = Pipeline(damaged).ask(Q)
    assert not answer.refused and answer.citations


@pytest.mark.slow
def test_real_cli_process_exit_code_and_message(built):
    """The installed ``rag`` script itself (no CliRunner): exit status 1 and the hint on stderr."""
    _truncate("faiss.index")(store.current_build_dir(built.index.dir))
    env = {**os.environ, "RAG_EMBEDDER__BACKEND": "fake", "RAG_GENERATOR__BACKEND": "extractive",
           "COLUMNS": "300"}
    rag = Path(ROOT, ".venv", "bin", "rag")
    cmd = [str(rag)] if rag.exists() else ["python", "-m", "rag.cli"]
    proc = subprocess.run([*cmd, "ask", Q, "--index-dir", str(built.index.dir)], env=env, cwd=built.index.dir,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc
    assert REBUILD in _flat(proc.stderr) and "Traceback" not in proc.stderr


def _scribble(name: str, at: slice) -> Callable[[Path], None]:
    """Overwrite bytes in place (same size), as a bad sector or a stray write would."""
    def damage(build: Path) -> None:
        path = build / name
        data = bytearray(path.read_bytes())
        data[at] = b"\xff" * (at.stop - at.start)
        path.write_bytes(bytes(data))
    return damage


@pytest.mark.parametrize("name", ["meetings.json", "chunks.text.txt"])
def test_damage_found_lazily_is_a_503_not_a_500(built, name):
    _scribble(name, slice(0, 4000) if name.startswith("chunks") else slice(10, 30))(
        store.current_build_dir(built.index.dir))
    with TestClient(create_app(built), raise_server_exceptions=False) as client:
        r = client.post("/api/ask", json={"question": Q})
        assert r.status_code == 503, r.text
        assert r.json()["error"] == "IndexCorrupt" and REBUILD in r.json()["detail"]
    env = {"RAG_EMBEDDER__BACKEND": "fake", "RAG_GENERATOR__BACKEND": "extractive"}
    result = CliRunner().invoke(cli, ["ask", Q, "--index-dir", str(built.index.dir)], env=env)
    assert result.exit_code == 1 and REBUILD in _flat(result.output), result.output
