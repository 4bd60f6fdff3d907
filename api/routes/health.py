"""GET /api/health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import get_pipeline
from rag.errors import RagError
from rag.pipeline import Pipeline

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/health")
def health(pipeline: Annotated[Pipeline, Depends(get_pipeline)]) -> dict:
    """Liveness plus index state; 200 even without an index so orchestrators can tell the two apart."""
    try:
        index = pipeline.index()
    except RagError as exc:
        return {"status": "ok", "index": {"ready": False, "detail": exc.danish}}
    return {
        "status": "ok",
        "index": {"ready": True, "build": index.build_id, "meetings": len(index.meetings),
                  "chunks": len(index.chunks), "embedder": index.manifest.get("embedder_id")},
        "generator": pipeline.settings.generator.backend,
    }
