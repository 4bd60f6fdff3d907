"""POST /api/feedback (thumbs up/down on an answer) and GET /api/feedback (admin export, JSON or CSV)."""

from __future__ import annotations

import csv
import io
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.schemas import ErrorOut, FeedbackIn, FeedbackOut
from api.security import Admin, Reader
from rag.feedback import COLUMNS, FeedbackStore, question_hash

router = APIRouter(prefix="/api/feedback", tags=["feedback"])
# A cell starting with one of these is a formula to Excel/LibreOffice (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _store(request: Request) -> FeedbackStore:
    return FeedbackStore(request.app.state.settings.access.feedback_db)


@router.post("", status_code=201, response_model=FeedbackOut,
             responses={401: {"model": ErrorOut}, 422: {"model": ErrorOut}})
def add_feedback(body: FeedbackIn, request: Request, principal: Reader) -> dict[str, Any]:
    """Store a rating of an answer: the question's SHA-256 (never its text), the answer hash, rating, comment."""
    qhash = question_hash(body.question) if body.question is not None else str(body.question_id).lower()
    comment = (body.comment or "").strip() or None
    row = _store(request).add(key_name=principal.name, question_hash=qhash, answer_hash=body.answer_hash.lower(),
                              rating=body.rating, comment=comment)
    return row.to_dict()


@router.get("", response_model=list[FeedbackOut],
            responses={200: {"content": {"text/csv": {}}}, 401: {"model": ErrorOut}, 403: {"model": ErrorOut}})
def export_feedback(request: Request, principal: Admin, format: Literal["json", "csv"] = "json") -> Any:
    """Every stored rating, oldest first (admin key); ``?format=csv`` for a spreadsheet."""
    rows = _store(request).rows()
    if format == "json":
        return [r.to_dict() for r in rows]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([_cell(v) for v in r.to_dict().values()])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="feedback.csv"'})


def _cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never evaluates."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
