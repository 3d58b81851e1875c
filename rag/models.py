"""The small dataclasses that cross module boundaries."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Article:
    """A cleaned article: `text` is canonical, every offset refers to it."""

    doc_id: str
    title: str
    text: str
    date: str | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class Chunk:
    """A passage of an article with its offsets in the article's cleaned text."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    title: str
    date: str | None
    source: str | None
    content_hash: str
    write_id: str = ""  # the write that stored it; a document's committed write is in its record

    @property
    def version(self) -> str:
        return self.write_id or self.content_hash


@dataclass(frozen=True)
class DocumentRecord:
    """What the store knows about one document."""

    doc_id: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    path: str | None
    content_hash: str
    chunks: int
    text: str = ""
    write_id: str = ""  # the write whose chunks are committed; empty for records written before write ids

    @property
    def version(self) -> str:
        return self.write_id or self.content_hash


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score."""

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Citation:
    ref: int
    doc_id: str
    title: str
    date: str | None
    source: str | None
    quote: str
    start: int
    end: int
    passage: str
    score: float
    answer_start: int | None = None  # the span that answers, inside the quote, in document offsets
    answer_end: int | None = None


@dataclass
class Answer:
    question: str
    answer: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    answerer: str = "extractive"  # who spoke: "extractive" or "llm"
    fallback_reason: str | None = None  # why the LLM's answer was replaced by the extractive one

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks_written: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)
