"""POST /api/ask and /api/search."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.deps import get_pipeline
from api.schemas import AskFilters, AskRequest, AskResponse, ErrorOut, SearchResponse
from rag.pipeline import Filters, Pipeline
from rag.serialize import answer_to_dict, hit_to_dict

router = APIRouter(prefix="/api", tags=["ask"])
PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]
ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": ErrorOut}, 503: {"model": ErrorOut}}


def _filters(f: AskFilters | None) -> Filters:
    if f is None:
        return Filters()
    return Filters(cluster=f.cluster, date_from=f.date_from, date_to=f.date_to)


@router.post("/ask", response_model=AskResponse, responses=ERRORS)
def ask(body: AskRequest, pipeline: PipelineDep) -> dict:
    """Answer a question from the minutes, citing meeting and agenda item, or refuse plainly."""
    answer = pipeline.ask(body.question, _filters(body.filters), body.top_k)
    return answer_to_dict(answer)


@router.post("/search", response_model=SearchResponse, responses=ERRORS)
def search(body: AskRequest, pipeline: PipelineDep) -> dict:
    """Retrieval only: the agenda items that best match the question."""
    t0 = time.perf_counter()
    retrieval = pipeline.search(body.question, _filters(body.filters), body.top_k)
    return {
        "retrieved": [hit_to_dict(h) for h in retrieval.hits],
        "refusal": retrieval.refusal,
        "timings": {"total_ms": round((time.perf_counter() - t0) * 1000, 1)},
    }
