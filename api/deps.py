"""Request-scoped access to the pipeline built in the app's lifespan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from fastapi import Request

from rag.pipeline import Pipeline

T = TypeVar("T")


def get_pipeline(request: Request) -> Pipeline:
    return request.app.state.pipeline  # type: ignore[no-any-return]


async def compute(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn`` in a worker thread, at most ``api.max_parallel`` at once, the rest waiting in
    arrival order. Under load this keeps latency fair: forty threads fighting for the GIL make
    every request slow and some very slow; a short queue in front of a few busy threads does not."""
    return await anyio.to_thread.run_sync(fn, *args, limiter=request.app.state.compute_limiter)
