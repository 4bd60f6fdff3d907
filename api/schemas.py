"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AskFilters(BaseModel):
    cluster: str | None = Field(None, description="Only minutes of this cluster, e.g. 'Randersklyngen'.")
    date_from: str | None = Field(None, description="Earliest meeting date (YYYY-MM-DD).",
                                  pattern=r"^\d{4}-\d{2}-\d{2}$")
    date_to: str | None = Field(None, description="Latest meeting date (YYYY-MM-DD).",
                                pattern=r"^\d{4}-\d{2}-\d{2}$")


class AskRequest(BaseModel):
    question: str = Field(..., description="The question, in Danish.",
                          examples=["Hvad besluttede Randersklyngen om IV-behandling?"])
    filters: AskFilters | None = None
    top_k: int | None = Field(None, ge=1, le=20, description="Agenda items to retrieve.")


class CitationOut(BaseModel):
    file: str
    meeting_id: str
    cluster: str | None
    body: str | None
    date: str | None
    item: str = Field(..., description="Agenda number as printed, or 'header' for the front matter.")
    title: str
    quote: str = Field(..., description="Verbatim supporting text; parts joined by ' … '.")


class RetrievedOut(BaseModel):
    file: str
    meeting_id: str
    item: str
    title: str
    cluster: str | None
    date: str | None
    score: float
    coverage: float | None


class AskResponse(BaseModel):
    answer: str
    refused: bool
    citations: list[CitationOut]
    retrieved: list[RetrievedOut] = Field(..., description="One entry per agenda item, best first.")
    timings: dict[str, float]
    backend: str
    fallback: bool
    fallback_reason: str | None


class SearchResponse(BaseModel):
    retrieved: list[RetrievedOut]
    refusal: str | None
    timings: dict[str, float]


class ItemSummary(BaseModel):
    number: str
    title: str
    has_decision: bool


class MeetingOut(BaseModel):
    id: str
    file: str
    cluster: str | None
    body: str | None
    date: str | None
    place: str | None
    title: str | None
    items: list[ItemSummary]


class ItemOut(BaseModel):
    meeting_id: str
    file: str
    cluster: str | None
    date: str | None
    item: str
    title: str
    text: str
    decision: str | None
    sections: dict[str, str]


class ErrorOut(BaseModel):
    detail: str = Field(..., description="Danish message for the user.")
    error: str = Field(..., description="Error type.")
