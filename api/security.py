"""Who is asking: API keys from the ``X-API-Key`` header mapped to scopes and admin rights.

A ``Principal`` says which scopes (by default: cluster names) a caller may read;
``scopes=None`` means all. Retrieval filters by these scopes inside the index
search, and source pages apply the same rule. Routes depend on ``reader`` (ask,
search, meetings, pages) or ``admin`` (ingest, feedback export).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from rag.errors import RagError
from rag.settings import Settings


class Unauthorized(RagError):
    """No valid key where one is needed (401)."""

    danish = "Adgang kræver en gyldig API-nøgle."


class Forbidden(RagError):
    """A valid key without the right (403)."""

    danish = "Din API-nøgle giver ikke adgang til dette."


@dataclass(frozen=True)
class Principal:
    """The caller: key holder name (None when anonymous), readable scopes, admin right."""

    name: str | None
    scopes: frozenset[str] | None
    admin: bool = False

    def can_read(self, scope: str | None) -> bool:
        """May this caller read a document of ``scope``?"""
        return self.scopes is None or (scope is not None and scope in self.scopes)


def resolve(settings: Settings, presented: str | None) -> Principal | None:
    """The principal for a presented key; None when the key is missing or unknown."""
    if not presented:
        return None
    for key, cfg in settings.access.keys.items():
        if hmac.compare_digest(key.encode(), presented.encode()):
            scopes = None if cfg.scopes is None else frozenset(cfg.scopes)
            return Principal(name=cfg.name, scopes=scopes, admin=cfg.admin)
    return None


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def reader(request: Request) -> Principal:
    """Dependency: the caller for read routes (open or keyed per ``access.ask_requires_key``)."""
    settings = _settings(request)
    presented = request.headers.get(settings.access.header)
    principal = resolve(settings, presented)
    if principal is not None:
        return principal
    if presented or settings.access.ask_requires_key:
        raise Unauthorized("missing or unknown API key")
    open_scopes = settings.access.open_scopes
    return Principal(name=None, scopes=None if open_scopes is None else frozenset(open_scopes))


def admin(request: Request) -> Principal:
    """Dependency: the caller for ingest and admin routes (an admin key is required)."""
    settings = _settings(request)
    principal = resolve(settings, request.headers.get(settings.access.header))
    if principal is None:
        raise Unauthorized("admin route without a valid API key")
    if not principal.admin:
        raise Forbidden(f"key {principal.name!r} is not an admin key")
    return principal


Reader = Annotated[Principal, Depends(reader)]
Admin = Annotated[Principal, Depends(admin)]
