"""HTTP shapes: requests and responses, validated at the edge."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(..., description="The question; 1 to RAG_MAX_QUESTION_CHARS (default 500) characters.")
    top_k: int | None = Field(None, description="Passages to consider, 1 to 20 (default RAG_TOP_K).")
    answerer: Literal["extractive", "llm"] | None = Field(
        None, description="Who answers (default RAG_ANSWERER); `llm` needs RAG_LLM_URL."
    )


class CitationOut(BaseModel):
    ref: int
    doc_id: str
    title: str
    date: str | None
    source: str | None
    quote: str = Field(..., description="The exact supporting sentence: document text[start:end].")
    start: int
    end: int
    passage: str
    score: float
    answer_start: int | None = Field(None, description="Where the answering words start (document offset).")
    answer_end: int | None = None


class AnswerOut(BaseModel):
    question: str
    answer: str
    answered: bool
    citations: list[CitationOut]
    timings_ms: dict[str, float]
    answerer: Literal["extractive", "llm"] = Field("extractive", description="Who wrote the answer shown.")
    fallback_reason: str | None = Field(None, description="Why the LLM's answer was replaced by the extractive one.")


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    date: str | None
    source: str | None
    chunks: int


class DocumentDetail(DocumentOut):
    url: str | None = None
    text: str = Field(..., description="The cleaned text that citation offsets refer to.")


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(..., min_length=1, max_length=500)
    text: str = Field(..., min_length=1)
    date: str | None = Field(None, description="ISO date (YYYY-MM-DD) or '19 February 2024'.")
    source: str | None = None
    url: str | None = None


class WriteOut(BaseModel):
    doc_id: str
    status: Literal["added", "updated", "unchanged"]
    chunks: int


class ChatMessage(BaseModel):
    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(str(part.get("text", "")) for part in self.content if part.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    model: str = "rag-extractive"
    messages: list[ChatMessage] = Field(..., min_length=1)
    stream: bool = False


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
