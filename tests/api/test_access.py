"""Access scopes over a real server: a key scoped to one cluster never sees another cluster's items.

Every route that returns minutes-derived data is checked with questions that
clearly aim at another cluster. Also: 401/403 in Danish, and CORS for listed origins only.
"""

from __future__ import annotations

import json

import httpx
import pytest

from api.app import create_app
from rag.settings import AccessSettings, ApiKey, ApiSettings
from tests.conftest import make_settings

KEYS = {
    "randers-key": ApiKey(name="randers", scopes=["Randersklyngen"]),
    "vest-key": ApiKey(name="vest", scopes=["Vestklyngen"]),
    "admin-key": ApiKey(name="admin", admin=True),
}
ALLOWED = "https://intranet.example.dk"
CLUSTERS = {"Randersklyngen", "Midtklyngen", "Klynge Syd", "Vestklyngen"}

# (key, its cluster, questions aimed at other clusters' minutes)
PROBES = [
    ("vest-key", "Vestklyngen", [
        "Hvad besluttede Randersklyngen om IV-behandling?",
        "Hvad blev der besluttet om opsigelse af IV-aftalen i Randers Kommune?",
        "Hvad besluttede Midtklyngen på mødet den 21. juni 2019?",
        "Hvad besluttede Klynge Syd?",
        "IV-behandling",
    ]),
    ("randers-key", "Randersklyngen", [
        "Hvad besluttede Vestklyngen om samarbejdsaftalen for IV behandling i nærområdet?",
        "Hvad blev besluttet på Vestklyngens møde den 12. juni 2020?",
        "Hvem deltog fra Hospitalsenheden Vest?",
        "Hvad besluttede Klynge Syd den 10. januar 2022?",
    ]),
]
CASES = [(key, own, q) for key, own, questions in PROBES for q in questions]


@pytest.fixture(scope="module")
def server(fake_settings, tmp_path_factory):
    from api.server import ThreadedServer

    tmp = tmp_path_factory.mktemp("access")
    access = AccessSettings(keys=KEYS, ask_requires_key=True, rate_limit_per_minute=10_000,
                            feedback_db=tmp / "feedback.sqlite", uploads_dir=tmp / "uploads")
    settings = make_settings(fake_settings.index.dir, access=access, api=ApiSettings(cors_origins=[ALLOWED]))
    with ThreadedServer(create_app(settings)) as s:
        yield s


def _h(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def _foreign_labels(own: str) -> list[str]:
    """Source labels ("dato · klynge · punkt") of the clusters a key may not read."""
    return [f"· {c} ·" for c in CLUSTERS - {own}]


@pytest.mark.parametrize(("key", "own", "question"), CASES)
def test_ask_and_search_never_return_another_clusters_items(server, key, own, question):
    r = httpx.post(f"{server.url}/api/ask", json={"question": question}, headers=_h(key), timeout=30)
    assert r.status_code == 200
    body = r.json()
    assert {c["cluster"] for c in body["citations"]} <= {own}, body["citations"]
    assert {h["cluster"] for h in body["retrieved"]} <= {own}, body["retrieved"]
    assert not any(label in body["answer"] for label in _foreign_labels(own)), body["answer"]

    r = httpx.post(f"{server.url}/api/search", json={"question": question}, headers=_h(key), timeout=30)
    assert r.status_code == 200
    assert {h["cluster"] for h in r.json()["retrieved"]} <= {own}


@pytest.mark.parametrize(("key", "own", "question"), CASES)
def test_stream_never_returns_another_clusters_items(server, key, own, question):
    with httpx.stream("POST", f"{server.url}/api/ask/stream", json={"question": question}, headers=_h(key),
                      timeout=30) as r:
        assert r.status_code == 200
        events, kind = [], None
        for line in r.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and kind:
                events.append((kind, json.loads(line.split(":", 1)[1])))
    kinds = [k for k, _ in events]
    assert kinds[0] == "sources" and kinds[-1] == "done"
    sources, done = events[0][1], events[-1][1]
    assert {s["cluster"] for s in sources["sources"]} <= {own}
    assert {h["cluster"] for h in sources["retrieved"]} <= {own}
    assert {c["cluster"] for c in done["citations"]} <= {own}
    assert {h["cluster"] for h in done["retrieved"]} <= {own}
    text = "".join(d["text"] for k, d in events if k == "token")
    assert not any(label in text + done["answer"] for label in _foreign_labels(own))


def test_vest_key_asking_about_randers_gets_a_refusal(server):
    r = httpx.post(f"{server.url}/api/ask", json={"question": "Hvad besluttede Randersklyngen om IV-behandling?"},
                   headers=_h("vest-key"), timeout=30)
    body = r.json()
    assert body["refused"] is True and body["citations"] == [] and body["retrieved"] == []
    assert "Randers Kommune opsiger" not in body["answer"]


def test_filter_for_another_cluster_cannot_widen_the_scope(server):
    body = {"question": "IV-behandling", "filters": {"cluster": "Randersklyngen"}}
    r = httpx.post(f"{server.url}/api/search", json=body, headers=_h("vest-key"))
    assert r.status_code == 200 and r.json()["retrieved"] == []
    r = httpx.post(f"{server.url}/api/ask", json=body, headers=_h("vest-key"), timeout=30)
    assert r.json()["citations"] == [] and r.json()["retrieved"] == []


def test_same_question_is_answered_for_a_key_with_the_right_scope(server):
    """The probes above are refused because of the scope, not because the index cannot answer them."""
    for key in ("randers-key", "admin-key"):
        r = httpx.post(f"{server.url}/api/ask", json={"question": "Hvad besluttede Randersklyngen om IV-behandling?"},
                       headers=_h(key), timeout=30)
        body = r.json()
        assert body["refused"] is False and body["citations"][0]["cluster"] == "Randersklyngen"


def test_meetings_list_only_the_keys_scope(server):
    all_meetings = httpx.get(f"{server.url}/api/meetings", headers=_h("admin-key")).json()
    assert {m["cluster"] for m in all_meetings} == CLUSTERS
    for key, own in (("vest-key", "Vestklyngen"), ("randers-key", "Randersklyngen")):
        meetings = httpx.get(f"{server.url}/api/meetings", headers=_h(key)).json()
        assert meetings and {m["cluster"] for m in meetings} == {own}
        for m in all_meetings:
            for item in ("1", "header"):
                r = httpx.get(f"{server.url}/api/meetings/{m['id']}/items/{item}", headers=_h(key))
                if m["cluster"] == own:
                    assert r.status_code == 200
                else:
                    # The same answer as for a meeting that does not exist: nothing leaks.
                    assert r.status_code == 404
                    assert r.json()["detail"] == "Mødet findes ikke i samlingen."
                    assert r.json() == httpx.get(f"{server.url}/api/meetings/ukendt/items/{item}",
                                                 headers=_h(key)).json()


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/ask", {"question": "Hvad besluttede Randersklyngen om IV-behandling?"}),
    ("POST", "/api/ask/stream", {"question": "Hvad besluttede Randersklyngen om IV-behandling?"}),
    ("POST", "/api/search", {"question": "IV-behandling"}),
    ("GET", "/api/meetings", None),
    ("GET", "/api/meetings/000-027e0e0cb2de1631/items/9", None),
    ("POST", "/api/ingest", None),
    ("GET", "/api/feedback", None),
])
@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "forkert-nøgle".encode()}, {"X-API-Key": ""}])
def test_missing_or_wrong_key_gets_401_in_danish(server, method, path, body, headers):
    r = httpx.request(method, f"{server.url}{path}", json=body, headers=headers, timeout=30)
    assert r.status_code == 401
    assert r.json() == {"detail": "Adgang kræver en gyldig API-nøgle.", "error": "Unauthorized"}


@pytest.mark.parametrize(("method", "path"), [("POST", "/api/ingest"), ("GET", "/api/feedback")])
@pytest.mark.parametrize("key", ["randers-key", "vest-key"])
def test_non_admin_key_gets_403_on_admin_routes(server, method, path, key):
    files = {"file": ("horsens.txt", b"Referat\n1. Punkt\n")} if method == "POST" else None
    r = httpx.request(method, f"{server.url}{path}", files=files, headers=_h(key))
    assert r.status_code == 403
    assert r.json() == {"detail": "Din API-nøgle giver ikke adgang til dette.", "error": "Forbidden"}


def test_health_needs_no_key(server):
    assert httpx.get(f"{server.url}/api/health").status_code == 200


# -- CORS ---------------------------------------------------------------------


def _preflight(server, origin: str) -> httpx.Response:
    return httpx.options(f"{server.url}/api/ask", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-api-key",
    })


def test_cors_preflight_from_a_listed_origin_is_allowed(server):
    r = _preflight(server, ALLOWED)
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == ALLOWED
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "x-api-key" in r.headers["access-control-allow-headers"].lower()
    # And the real request's response carries the header too.
    r = httpx.post(f"{server.url}/api/search", json={"question": "IV-behandling"},
                   headers={"Origin": ALLOWED, **_h("admin-key")})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == ALLOWED


@pytest.mark.parametrize("origin", ["https://evil.example.com", "https://intranet.example.dk.evil.com",
                                    "http://intranet.example.dk"])
def test_cors_preflight_from_another_origin_gets_no_cors_headers(server, origin):
    r = _preflight(server, origin)
    assert r.status_code == 400
    assert "access-control-allow-origin" not in r.headers
    r = httpx.post(f"{server.url}/api/search", json={"question": "IV-behandling"},
                   headers={"Origin": origin, **_h("admin-key")})
    assert "access-control-allow-origin" not in r.headers
