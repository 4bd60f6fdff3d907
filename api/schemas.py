"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator


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


class IngestResponse(BaseModel):
    file: str = Field(..., description="File name the upload was stored and indexed under.")
    meeting_id: str
    cluster: str | None
    date: str | None
    scope: str | None = Field(..., description="Access scope of the new meeting (default: its cluster).")
    items: int = Field(..., description="Agenda items found.")
    build: str = Field(..., description="Index build that now serves it.")


SHA256_HEX = r"^[0-9a-fA-F]{64}$"


class FeedbackIn(BaseModel):
    question: str | None = Field(None, min_length=1, max_length=2000,
                                 description="The question asked; only its SHA-256 is stored.")
    question_id: str | None = Field(None, pattern=SHA256_HEX,
                                    description="SHA-256 (hex) of the stripped question, instead of the text.")
    answer_hash: str = Field(..., pattern=SHA256_HEX, description="SHA-256 (hex) of the answer text rated.")
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=2000, description="Optional free text from the user.")

    @model_validator(mode="after")
    def _one_question(self) -> FeedbackIn:
        if self.question is not None and not self.question.strip():
            raise ValueError("question is blank")
        if (self.question is None) == (self.question_id is None):
            raise ValueError("give exactly one of question and question_id")
        return self


class FeedbackOut(BaseModel):
    id: int
    created_at: str
    key_name: str | None
    question_hash: str
    answer_hash: str
    rating: Literal["up", "down"]
    comment: str | None
