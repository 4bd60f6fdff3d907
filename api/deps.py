"""Request-scoped access to the pipeline built in the app's lifespan."""

from __future__ import annotations

from fastapi import Request

from rag.pipeline import Pipeline


def get_pipeline(request: Request) -> Pipeline:
    return request.app.state.pipeline  # type: ignore[no-any-return]
