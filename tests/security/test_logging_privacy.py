"""Questions and minutes text never reach the logs at INFO or above (DEBUG may show them).

In-process: every record of every logger (``rag.*``, ``api.*``, libraries) is captured
while minutes are ingested and questions asked through the API, including error paths.
End to end: ``rag serve`` (its real logging configuration, uvicorn access log at INFO) is
run as a process and its output searched after asking and opening a source page, whose
link carries the cited quote in the query string.
"""

from __future__ import annotations

import logging
import os
import shutil

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.server import free_port
from rag.pipeline import Pipeline
from tests.conftest import MINUTES, rag_serve
from tests.reliability.conftest import isolated_settings

MINUTES_PHRASE = "Flamingoprojektet på Ringkøbing fjordklinik"
QUESTION_PHRASE = "pelikanordningen"
QUESTION = f"Hvad besluttede Vestklyngen om {QUESTION_PHRASE} og Flamingoprojektet?"
SECRET_MINUTES = f"""Referat fra Klyngestyregruppemøde 05.09.19 i Vestklyngen
på Regionshospitalet Gødstrup.

Dagsorden:

1. Godkendelse af dagsorden
2. {MINUTES_PHRASE}

AD. 1: Godkendelse af dagsorden:
Beslutning:
Dagsordenen blev godkendt.

AD. 2: {MINUTES_PHRASE}:
Sagsfremstilling:
{MINUTES_PHRASE} blev drøftet indgående af klyngestyregruppen.
Beslutning:
Klyngestyregruppen besluttede at videreføre {MINUTES_PHRASE} i 2020.
"""
LEAKS = (MINUTES_PHRASE.split()[0], "Ringkøbing fjordklinik", QUESTION_PHRASE)


@pytest.fixture
def corpus(tmp_path):
    corpus = tmp_path / "minutes"
    shutil.copytree(MINUTES, corpus)
    (corpus / "secret.txt").write_text(SECRET_MINUTES, encoding="utf-8")
    (corpus / "empty.txt").write_text("   \n", encoding="utf-8")  # skipped with a warning
    return corpus


def _leaks(records: list[logging.LogRecord]) -> list[str]:
    out = []
    for r in records:
        text = r.getMessage() + (logging.Formatter().formatException(r.exc_info) if r.exc_info else "")
        if any(p.lower() in text.lower() for p in LEAKS):
            out.append(f"{r.levelname} {r.name}: {text[:200]}")
    return out


def test_no_question_or_minutes_text_at_info(tmp_path, corpus, caplog):
    caplog.set_level(logging.DEBUG)
    settings = isolated_settings(tmp_path)
    Pipeline(settings).ingest([corpus])
    with TestClient(create_app(settings)) as client:
        ask = client.post("/api/ask", json={"question": QUESTION})
        assert ask.status_code == 200 and any(c["meeting_id"] == "secret" for c in ask.json()["citations"])
        assert client.post("/api/search", json={"question": QUESTION}).status_code == 200
        with client.stream("POST", "/api/ask/stream", json={"question": QUESTION}) as r:
            assert r.status_code == 200 and "done" in r.read().decode()
        long = client.post("/api/ask", json={"question": QUESTION * 200})
        assert long.status_code == 422
        bad = client.post("/api/ask", json={"question": QUESTION, "filters": {"date_from": QUESTION_PHRASE}})
        assert bad.status_code in (200, 422)
        page = client.get("/meetings/secret", params={"q": MINUTES_PHRASE})
        assert page.status_code in (200, 404)
        assert client.get("/api/meetings/secret/items/2").status_code == 200
    Pipeline(settings).ask(QUESTION)

    client_side = ("httpx", "httpx2", "httpcore")  # the test's own HTTP client, not the service
    info = [r for r in caplog.records if r.levelno >= logging.INFO and r.name.split(".")[0] not in client_side]
    assert info, "INFO records were captured (the check is not vacuous)"
    assert any(r.name.startswith("rag") for r in info)
    assert not _leaks(info), _leaks(info)


@pytest.mark.slow
def test_rag_serve_logs_no_question_or_quote(tmp_path, corpus):
    settings = isolated_settings(tmp_path)
    Pipeline(settings).ingest([corpus])
    port = free_port()
    env = {**os.environ, "RAG_EMBEDDER__BACKEND": "fake", "RAG_GENERATOR__BACKEND": "extractive",
           "RAG_LOG_LEVEL": "INFO", "RAG_ACCESS__FEEDBACK_DB": str(tmp_path / "fb.sqlite"),
           "RAG_ACCESS__UPLOADS_DIR": str(tmp_path / "uploads"), "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "serve.log"
    with log.open("w") as out, rag_serve(["--host", "127.0.0.1", "--index-dir", str(settings.index.dir)],
                                         env, tmp_path, port, out=out, timeout=60) as (url, _):
        body = httpx.post(f"{url}/api/ask", json={"question": QUESTION}, timeout=30).json()
        quote = next(c["quote"] for c in body["citations"] if c["meeting_id"] == "secret")
        assert MINUTES_PHRASE.split()[0] in quote
        # The widget's source link: /meetings/<id>?q=<quote>#punkt-<n>
        httpx.get(f"{url}/meetings/secret", params={"q": quote}, timeout=30)
        httpx.post(f"{url}/api/ask", json={"question": QUESTION * 200}, timeout=30)
    output = log.read_text(encoding="utf-8")
    assert '"GET /meetings/secret' in output, "the access log is on (the check is not vacuous)"
    assert "POST /api/ask" in output
    leaked = [line for line in output.splitlines() if any(p.lower() in line.lower() for p in LEAKS)]
    assert not leaked, leaked
