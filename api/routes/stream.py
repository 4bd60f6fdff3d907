"""POST /api/ask/stream: Server-Sent Events — sources first, then answer tokens, then the verified answer.

The pipeline is synchronous (FAISS, llama.cpp, httpx). Retrieval and the extractive
draft (everything up to the ``sources`` event) run under the same admission limit as
``/api/ask`` (``api.max_parallel``): under load a streamed question waits its turn
instead of competing for the CPU beside the admitted ones. Generation, which waits on
the LLM server, then runs in a worker thread of its own and hands events to the event
loop through a queue. When the client goes away, the thread is told to stop and closes
the pipeline's iterator, which closes the LLM stream: generation stops instead of
running to the end.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sse_starlette.sse import EventSourceResponse

from api.deps import compute, get_pipeline
from api.routes.ask import ERRORS, _filters
from api.schemas import AskRequest
from api.security import Reader
from rag.errors import RagError
from rag.pipeline import Pipeline
from rag.serialize import answer_to_dict, citation_to_dict, hit_to_dict
from rag.types import Answer

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["ask"])
_END = object()


def _payload(kind: str, value: Any) -> dict[str, str]:
    if kind == "sources":
        answer: Answer = value
        data = {"sources": [citation_to_dict(c, n) for n, c in enumerate(answer.citations, start=1)],
                "retrieved": [hit_to_dict(h) for h in answer.hits], "refused": answer.refused}
    elif kind == "token":
        data = {"text": value}
    else:
        data = answer_to_dict(value)
    return {"event": "done" if kind == "answer" else kind, "data": json.dumps(data, ensure_ascii=False)}


def _produce(events: Iterator[tuple[str, Any]], queue: asyncio.Queue[Any], loop: asyncio.AbstractEventLoop,
             stop: threading.Event) -> None:
    try:
        for kind, value in events:
            if stop.is_set():
                break
            loop.call_soon_threadsafe(queue.put_nowait, _payload(kind, value))
    except RagError as exc:
        logger.warning("stream failed: %s", exc)
        body = json.dumps({"detail": exc.danish, "error": type(exc).__name__}, ensure_ascii=False)
        loop.call_soon_threadsafe(queue.put_nowait, {"event": "error", "data": body})
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()  # this thread is the one iterating, so closing is safe here
        loop.call_soon_threadsafe(queue.put_nowait, _END)


@router.post("/ask/stream", responses=ERRORS)
async def ask_stream(body: AskRequest, request: Request, principal: Reader,
                     pipeline: Annotated[Pipeline, Depends(get_pipeline)]) -> EventSourceResponse:
    """Stream an answer: `sources` event, `token` events, then `done` with citations (or `error`)."""
    pipeline.check_question(body.question)  # 422 before the stream starts
    pipeline.index()  # 503 before the stream starts
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    stop = threading.Event()
    events = pipeline.stream(body.question, _filters(body.filters, principal), body.top_k)
    # Retrieval errors (RagError) raise here, before the stream starts: a JSON error, not an event.
    sources = await compute(request, next, events)
    worker = threading.Thread(target=_produce, args=(events, queue, loop, stop), daemon=True)

    async def gen() -> AsyncIterator[dict[str, str]]:
        yield _payload(*sources)
        worker.start()
        try:
            while True:
                item = await queue.get()
                if item is _END:
                    return
                yield item
        finally:
            stop.set()  # client gone or stream done: the worker stops at its next piece

    return EventSourceResponse(gen(), ping=15)
