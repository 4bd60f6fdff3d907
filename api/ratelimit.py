"""Per-caller rate limiting: a token bucket per API key (or per client IP without a valid key).

Why not slowapi: it limits through decorators on each route (with a ``request``
parameter the routes here do not have), its in-memory storage reads the wall
clock inside ``limits`` (so tests cannot step time), and it would add two
dependencies for what is a dictionary of buckets. This is an ASGI middleware
instead, so a limited request is refused before its body is read (uploads
included) and routes stay unaware of it.

A bucket holds ``per_minute`` tokens and refills continuously at
``per_minute / 60`` per second: a caller may burst up to the minute's allowance,
then gets one request per ``60 / per_minute`` seconds. An unknown key counts
against the client IP, so inventing keys does not buy fresh buckets.

Limits: the buckets live in one process (N uvicorn workers allow N times the
rate), and behind a reverse proxy the client IP is the proxy's unless uvicorn
runs with ``--proxy-headers --forwarded-allow-ips``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.security import resolve
from rag.settings import Settings

logger = logging.getLogger(__name__)

LIMITED_PATHS: frozenset[str] = frozenset(
    {"/api/ask", "/api/ask/stream", "/api/search", "/api/ingest", "/api/feedback"}
)
"""Routes that cost work or write something; health, docs, static files and meetings are not limited."""

DANISH_LIMITED = "Du har sendt for mange forespørgsler. Vent {seconds} sekunder, og prøv igen."


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets keyed by caller; ``clock`` is injectable (seconds, monotonic)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic,
                 max_callers: int = 10_000) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self.rate = per_minute / 60.0
        self.clock = clock
        self.max_callers = max_callers
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, caller: str) -> int | None:
        """Take one token for ``caller``: None if allowed, else the whole seconds until one is free."""
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(caller)
            if bucket is None:
                bucket = _Bucket(tokens=float(self.per_minute), updated=now)
                self._buckets[caller] = bucket
                # Least recently seen callers go first; a dropped caller merely starts afresh.
                while len(self._buckets) > self.max_callers:
                    self._buckets.popitem(last=False)
            else:
                self._buckets.move_to_end(caller)
                elapsed = max(0.0, now - bucket.updated)
                bucket.tokens = min(float(self.per_minute), bucket.tokens + elapsed * self.rate)
                bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return max(1, math.ceil((1.0 - bucket.tokens) / self.rate))


class RateLimitMiddleware:
    """Refuses requests to ``paths`` beyond the caller's allowance with 429, Danish detail and Retry-After."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, settings: Settings,
                 paths: Collection[str] = LIMITED_PATHS) -> None:
        self.app = app
        self.limiter = limiter
        self.settings = settings
        self.paths = frozenset(paths)
        self._header = settings.access.header.lower().encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS" or not self._limited(scope):
            await self.app(scope, receive, send)
            return
        wait = self.limiter.hit(self._caller(scope))
        if wait is None:
            await self.app(scope, receive, send)
            return
        logger.warning("%s %s -> 429 rate limited (retry in %ds)", scope["method"], scope["path"], wait)
        response = JSONResponse(
            {"detail": DANISH_LIMITED.format(seconds=wait), "error": "RateLimited"},
            status_code=429, headers={"Retry-After": str(wait)},
        )
        await response(scope, receive, send)

    def _limited(self, scope: Scope) -> bool:
        path: str = scope["path"]
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root):]
        return path.rstrip("/") in self.paths

    def _caller(self, scope: Scope) -> str:
        presented = next((v.decode("latin-1") for k, v in scope["headers"] if k == self._header), None)
        if presented and resolve(self.settings, presented) is not None:
            # Keyed by a digest so the bucket table never holds key material.
            return "key:" + hashlib.sha256(presented.encode()).hexdigest()[:32]
        client = scope.get("client")
        return "ip:" + (client[0] if client else "unknown")
