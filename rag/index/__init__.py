"""Corpus-wide lexical data the answerer reads: term statistics and the vocabulary for typo correction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class CorpusStats(Protocol):
    """Term statistics over the committed chunks. Terms are `rag.text.content_terms` forms.

    Every method answers from an index kept up to date per write; none reads the corpus.
    """

    def chunk_count(self) -> int: ...

    def chunks_containing(self, term: str) -> int:
        """How many committed chunks hold the term (its document frequency)."""
        ...

    def document_terms(self, doc_id: str, terms: Iterable[str]) -> set[str]:
        """Which of the terms the document holds anywhere (reads that one document's terms, not the corpus)."""
        ...

    def similar_terms(self, term: str, limit: int = 5) -> list[str]:
        """Vocabulary terms close in spelling to `term`, most similar first (for typo correction)."""
        ...
