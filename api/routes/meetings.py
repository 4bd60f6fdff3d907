"""GET /api/meetings and the source text of one agenda item."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import get_pipeline
from api.errors import NotFound
from api.schemas import ErrorOut, ItemOut, MeetingOut
from api.security import Reader
from rag.pipeline import Pipeline
from rag.types import HEADER

router = APIRouter(prefix="/api/meetings", tags=["meetings"])
PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]


@router.get("", response_model=list[MeetingOut], responses={503: {"model": ErrorOut}})
def list_meetings(pipeline: PipelineDep, principal: Reader) -> list[dict]:
    """The indexed meetings the caller may read, newest first, with their agenda items."""
    meetings = sorted((m for m in pipeline.meetings().values() if principal.can_read(pipeline.scope_of(m.id))),
                      key=lambda m: m.date or "", reverse=True)
    return [
        {
            "id": m.id, "file": m.file, "cluster": m.cluster, "body": m.body, "date": m.date,
            "place": m.place, "title": m.title,
            "items": [{"number": i.number, "title": i.title, "has_decision": i.decision is not None}
                      for i in m.items],
        }
        for m in meetings
    ]


@router.get("/{meeting_id}/items/{item}", response_model=ItemOut,
            responses={404: {"model": ErrorOut}, 503: {"model": ErrorOut}})
def get_item(meeting_id: str, item: str, pipeline: PipelineDep, principal: Reader) -> dict:
    """The source text of one agenda item (``item`` = number, or 'header')."""
    m = pipeline.meetings().get(meeting_id)
    if m is None or not principal.can_read(pipeline.scope_of(meeting_id)):
        # Same answer for "does not exist" and "not yours": no leak of what exists.
        raise NotFound(f"no meeting {meeting_id!r}", danish="Mødet findes ikke i samlingen.")
    if item == HEADER:
        return {"meeting_id": m.id, "file": m.file, "cluster": m.cluster, "date": m.date, "item": HEADER,
                "title": m.title or "Mødets forside", "text": m.header.text, "decision": None,
                "sections": {}}
    for it in m.items:
        if it.number == item:
            return {"meeting_id": m.id, "file": m.file, "cluster": m.cluster, "date": m.date,
                    "item": it.number, "title": it.title, "text": it.text, "decision": it.decision,
                    "sections": {s.name: s.text for s in it.sections}}
    raise NotFound(f"no item {item!r} in {meeting_id!r}", danish="Punktet findes ikke i mødet.")
