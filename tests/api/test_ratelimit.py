"""Rate limiting: the token bucket with a stepped clock, and 429s over a real server."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from api.ratelimit import RateLimiter
from rag.settings import AccessSettings, ApiKey, ApiSettings
from tests.conftest import make_settings

ORIGIN = "https://intranet.example.dk"
Q = {"question": "Hvad besluttede Randersklyngen om IV-behandling?"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_the_minutes_allowance_then_says_how_long_to_wait():
    clock = Clock()
    limiter = RateLimiter(3, clock=clock)
    assert [limiter.hit("a") for _ in range(3)] == [None, None, None]
    assert limiter.hit("a") == 20  # one token per 60/3 s
    assert limiter.hit("b") is None  # callers do not share buckets
    clock.now += 19.5
    assert limiter.hit("a") == 1  # never "0": Retry-After is whole seconds, at least 1
    clock.now += 0.5
    assert limiter.hit("a") is None and limiter.hit("a") == 20
    clock.now += 3600  # refills up to the allowance, not beyond
    assert [limiter.hit("a") for _ in range(4)] == [None, None, None, 20]


def test_bucket_table_is_bounded():
    limiter = RateLimiter(1, clock=Clock(), max_callers=2)
    for caller in ("a", "b", "c"):
        assert limiter.hit(caller) is None
    assert limiter.hit("a") is None  # "a" was the least recently seen and was dropped
    assert limiter.hit("c") == 60


def test_per_minute_must_be_positive():
    with pytest.raises(ValueError):
        RateLimiter(0)


@pytest.fixture
def app_and_server(fake_settings, tmp_path, live_server_factory):
    keys = {"k1": ApiKey(name="en"), "k2": ApiKey(name="to"), "adm": ApiKey(name="admin", admin=True)}
    access = AccessSettings(keys=keys, rate_limit_per_minute=2, feedback_db=tmp_path / "fb.sqlite",
                            uploads_dir=tmp_path / "uploads")
    settings = make_settings(fake_settings.index.dir, access=access, api=ApiSettings(cors_origins=[ORIGIN]))
    app = create_app(settings)
    clock = Clock()
    app.state.rate_limiter.clock = clock
    return app, live_server_factory(app), clock


def test_limited_routes_get_429_with_danish_detail_and_retry_after(app_and_server):
    _, server, clock = app_and_server
    for _ in range(2):
        assert httpx.post(f"{server.url}/api/ask", json=Q, timeout=30).status_code == 200
    r = httpx.post(f"{server.url}/api/search", json=Q)
    assert r.status_code == 429
    assert r.headers["retry-after"] == "30"
    assert r.json() == {"detail": "Du har sendt for mange forespørgsler. Vent 30 sekunder, og prøv igen.",
                        "error": "RateLimited"}
    for path in ("/api/ask", "/api/ask/stream", "/api/search"):
        assert httpx.post(f"{server.url}{path}", json=Q).status_code == 429
    r = httpx.post(f"{server.url}/api/ingest", files={"file": ("a.txt", b"x")})
    assert r.status_code == 429  # before the key is checked or the body is read
    clock.now += 30
    assert httpx.post(f"{server.url}/api/search", json=Q).status_code == 200


def test_unlimited_routes_stay_open(app_and_server):
    _, server, _ = app_and_server
    for _ in range(3):
        httpx.post(f"{server.url}/api/search", json=Q)
    for _ in range(5):
        assert httpx.get(f"{server.url}/api/health").status_code == 200
        assert httpx.get(f"{server.url}/api/meetings").status_code == 200
        assert httpx.get(f"{server.url}/openapi.json").status_code == 200
        assert httpx.get(f"{server.url}/docs").status_code == 200


def test_buckets_are_per_key_and_unknown_keys_count_against_the_ip(app_and_server):
    _, server, _ = app_and_server
    search = f"{server.url}/api/search"
    for _ in range(2):
        assert httpx.post(search, json=Q, headers={"X-API-Key": "k1"}).status_code == 200
    assert httpx.post(search, json=Q, headers={"X-API-Key": "k1"}).status_code == 429
    assert httpx.post(search, json=Q, headers={"X-API-Key": "k2"}).status_code == 200
    assert httpx.post(search, json=Q).status_code == 200  # anonymous: the IP's own bucket
    # Invented keys share the IP's bucket (1 token left): they do not buy fresh allowances.
    assert httpx.post(search, json=Q, headers={"X-API-Key": "opdigtet-1"}).status_code == 401
    assert httpx.post(search, json=Q, headers={"X-API-Key": "opdigtet-2"}).status_code == 429
    assert httpx.post(search, json=Q).status_code == 429


def test_429_carries_cors_headers_and_exposes_retry_after(app_and_server):
    _, server, _ = app_and_server
    headers = {"Origin": ORIGIN}
    for _ in range(2):
        httpx.post(f"{server.url}/api/search", json=Q, headers=headers)
    r = httpx.post(f"{server.url}/api/search", json=Q, headers=headers)
    assert r.status_code == 429
    assert r.headers["access-control-allow-origin"] == ORIGIN
    assert "retry-after" in r.headers["access-control-expose-headers"].lower()
    # A preflight is answered by CORS and never spends a token.
    for _ in range(3):
        pre = httpx.options(f"{server.url}/api/search",
                            headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
        assert pre.status_code == 200


def test_default_limit_comes_from_settings(fake_settings):
    app = create_app(make_settings(fake_settings.index.dir, access=AccessSettings(rate_limit_per_minute=7)))
    assert app.state.rate_limiter.per_minute == 7
