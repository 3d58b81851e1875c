"""HTTP shapes: requests and responses, validated at the edge."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

UNENCODABLE = "unencodable_text"
DOC_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,99}$"


def encodable(value: str) -> str:
    """Refuse text that cannot be stored as UTF-8 (lone surrogates from JSON escapes like \\ud800)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PydanticCustomError(
            UNENCODABLE, "holds a character that is not valid Unicode text (at position {at})", {"at": exc.start}
        ) from None
    return value


Text = Annotated[str, AfterValidator(encodable)]
# Not only white space, as Python's str.strip() sees it (wider than JSON Schema's \s).
NOT_BLANK = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def whole_number(value: object) -> object:
    """JSON Schema's integer: 3 and 3.0 are, true and "3" are not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "Input should be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise PydanticCustomError("int_type", "Input should be a whole number")
        return int(value)
    return value


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Text = Field(
        ...,
        description="The question; 1 to RAG_MAX_QUESTION_CHARS (default 500) characters, not only spaces.",
        json_schema_extra={"minLength": 1, "maxLength": 500, "pattern": NOT_BLANK},
    )
    top_k: Annotated[int, BeforeValidator(whole_number)] | None = Field(
        None, description="Passages to consider, 1 to 20 (default RAG_TOP_K).",
        json_schema_extra={"minimum": 1, "maximum": 20},
    )  # fmt: skip
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

    title: Text = Field(..., min_length=1, max_length=500, pattern=NOT_BLANK)
    text: Text = Field(..., min_length=1, pattern=NOT_BLANK, description="The article; UTF-8, within the upload limit.")
    date: Text | None = Field(None, max_length=100, description="ISO date (YYYY-MM-DD) or '19 February 2024'.")
    source: Text | None = Field(None, max_length=200)
    url: Text | None = Field(None, max_length=2000)
    doc_id: str | None = Field(
        None, pattern=DOC_ID_PATTERN,
        description="The id to store it under; default: the title's slug plus a short hash of the title.",
    )  # fmt: skip


class WriteOut(BaseModel):
    doc_id: str
    status: Literal["added", "replaced", "unchanged"] = Field(
        ..., description="`replaced` only when the request said `replace=true` and the id existed."
    )
    chunks: int


class ContentPart(BaseModel):
    type: str
    text: Text | None = None


class ChatMessage(BaseModel):
    role: str
    content: Text | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(part.text or "" for part in self.content if part.type == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    model: str = "rag-extractive"
    messages: list[ChatMessage] = Field(..., min_length=1, max_length=100)
    stream: bool = False


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
