"""FastAPI app factory: ``create_app(settings)`` builds the pipeline in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.errors import install_error_handlers
from api.ratelimit import RateLimiter, RateLimitMiddleware
from api.routes import ask, feedback, health, ingest, meetings, pages, stream
from rag import __version__
from rag.errors import RagError
from rag.pipeline import Pipeline
from rag.settings import Settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, pipeline: Pipeline | None = None) -> FastAPI:
    """The API; pass ``settings`` (tests: fake embedder, temp index) or read them from the environment."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.pipeline = pipeline or Pipeline(settings)
        try:
            app.state.pipeline.index()  # warm: load the index and the embedder once
        except RagError as exc:
            logger.warning("starting without a usable index: %s", exc)
        yield

    app = FastAPI(
        title="Referat-RAG",
        version=__version__,
        description="Spørgsmål og svar over klyngernes mødereferater, med kildehenvisning til møde og punkt.",
        lifespan=lifespan,
    )
    # Added before CORS, so it runs inside it: a 429 still carries the CORS headers a browser needs.
    app.state.rate_limiter = RateLimiter(settings.access.rate_limit_per_minute)
    app.state.compute_limiter = anyio.CapacityLimiter(settings.api.max_parallel)
    app.add_middleware(RateLimitMiddleware, limiter=app.state.rate_limiter, settings=settings)
    if settings.api.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.api.cors_origins,
                           allow_methods=["GET", "POST"], allow_headers=["*"], expose_headers=["Retry-After"])
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(ask.router)
    app.include_router(stream.router)
    app.include_router(meetings.router)
    app.include_router(ingest.router)
    app.include_router(feedback.router)
    app.include_router(pages.router)
    app.mount("/static", pages.static_files(), name="static")
    return app


def app_from_env() -> FastAPI:
    """``uvicorn --factory`` entry point for ``rag serve --workers N``: each worker process reads
    the settings from the environment (the CLI exports its overrides there) and builds its app."""
    from rag.log import configure_logging

    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(settings)
