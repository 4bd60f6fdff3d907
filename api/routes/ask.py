"""POST /api/ask and /api/search."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from api.deps import compute, get_pipeline
from api.schemas import AskFilters, AskRequest, AskResponse, ErrorOut, SearchResponse
from api.security import Principal, Reader
from rag.pipeline import Filters, Pipeline
from rag.serialize import answer_to_dict, hit_to_dict

router = APIRouter(prefix="/api", tags=["ask"])
PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut}, 422: {"model": ErrorOut}, 503: {"model": ErrorOut},
}


def _filters(f: AskFilters | None, principal: Principal) -> Filters:
    """The caller's filters plus the scopes their key may read (applied inside the index search)."""
    scopes = None if principal.scopes is None else sorted(principal.scopes)
    if f is None:
        return Filters(scopes=scopes)
    return Filters(cluster=f.cluster, date_from=f.date_from, date_to=f.date_to, scopes=scopes)


@router.post("/ask", response_model=AskResponse, responses=ERRORS)
async def ask(body: AskRequest, request: Request, pipeline: PipelineDep, principal: Reader) -> dict:
    """Answer a question from the minutes, citing meeting and agenda item, or refuse plainly."""
    answer = await compute(request, pipeline.ask, body.question, _filters(body.filters, principal), body.top_k)
    return answer_to_dict(answer)


@router.post("/search", response_model=SearchResponse, responses=ERRORS)
async def search(body: AskRequest, request: Request, pipeline: PipelineDep, principal: Reader) -> dict:
    """Retrieval only: the agenda items that best match the question."""
    t0 = time.perf_counter()
    retrieval = await compute(request, pipeline.search, body.question, _filters(body.filters, principal),
                              body.top_k)
    return {
        "retrieved": [hit_to_dict(h) for h in retrieval.hits],
        "refusal": retrieval.refusal,
        "timings": {"total_ms": round((time.perf_counter() - t0) * 1000, 1)},
    }
