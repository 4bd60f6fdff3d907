"""The HTTP API over a real uvicorn server on 127.0.0.1 (fake embedder, real FAISS files)."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from tests.conftest import make_settings


@pytest.fixture
def server(fake_settings, live_server_factory):
    return live_server_factory(create_app(fake_settings))


def test_health_reports_the_index(server):
    r = httpx.get(f"{server.url}/api/health")
    assert r.status_code == 200
    body = r.json()
    assert body["index"]["ready"] is True and body["index"]["meetings"] == 5


def test_ask_returns_cited_answer_with_schema(server):
    r = httpx.post(f"{server.url}/api/ask", json={"question": "Hvad besluttede Randersklyngen om IV-behandling?"},
                   timeout=30)
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"answer", "refused", "citations", "retrieved", "timings"}
    assert not body["refused"]
    assert body["citations"], body
    for c in body["citations"]:
        assert set(c) == {"file", "meeting_id", "cluster", "body", "date", "item", "title", "quote"}
        assert c["cluster"] == "Randersklyngen"
    keys = [(h["file"], h["item"]) for h in body["retrieved"]]
    assert len(keys) == len(set(keys)), "retrieved has one entry per agenda item"


def test_unknown_cluster_is_refused_in_danish(server):
    r = httpx.post(f"{server.url}/api/ask", json={"question": "Hvad besluttede Aarhusklyngen om IV-behandling?"})
    body = r.json()
    assert r.status_code == 200 and body["refused"] is True
    assert "Aarhusklyngen" in body["answer"] and body["citations"] == []


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001])
def test_bad_questions_get_422_with_danish_message(server, question):
    r = httpx.post(f"{server.url}/api/ask", json={"question": question})
    assert r.status_code == 422
    assert r.json()["detail"].startswith(("Skriv", "Spørgsmålet er for langt"))


def test_malformed_body_gets_422_in_danish(server):
    r = httpx.post(f"{server.url}/api/ask", json={"spørgsmål": "hvad?"})
    assert r.status_code == 422 and "ugyldig" in r.json()["detail"]


def test_search_and_filters(server):
    r = httpx.post(f"{server.url}/api/search",
                   json={"question": "IV-behandling", "filters": {"cluster": "Vestklyngen"}})
    assert r.status_code == 200
    hits = r.json()["retrieved"]
    assert hits and all(h["cluster"] == "Vestklyngen" for h in hits)


def test_meetings_and_item_source(server):
    meetings = httpx.get(f"{server.url}/api/meetings").json()
    assert len(meetings) == 5
    m = next(m for m in meetings if m["cluster"] == "Randersklyngen" and m["date"] == "2017-06-22")
    r = httpx.get(f"{server.url}/api/meetings/{m['id']}/items/9")
    assert r.status_code == 200 and "IV" in r.json()["title"]
    assert httpx.get(f"{server.url}/api/meetings/{m['id']}/items/header").status_code == 200
    missing = httpx.get(f"{server.url}/api/meetings/{m['id']}/items/99")
    assert missing.status_code == 404 and missing.json()["detail"] == "Punktet findes ikke i mødet."


def test_no_index_gives_503_with_build_command(tmp_path, live_server_factory):
    server = live_server_factory(create_app(make_settings(tmp_path / "empty")))
    r = httpx.post(f"{server.url}/api/ask", json={"question": "Hvad besluttede klyngen?"})
    assert r.status_code == 503
    assert "rag ingest" in r.json()["detail"]
    assert httpx.get(f"{server.url}/api/health").json()["index"]["ready"] is False


def test_openapi_docs_served(server):
    assert httpx.get(f"{server.url}/docs").status_code == 200
    assert "/api/ask" in httpx.get(f"{server.url}/openapi.json").json()["paths"]
