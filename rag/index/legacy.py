"""The corpus view the old extractive answerer reads (rag/answer.py and friends).

Temporary: the answerer that needs whole-corpus lists is being replaced by `rag/answerer/`, which reads
only `CorpusStats`; this module goes with it. The view is built from the lexical index once per change.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, field

from rag.index.lexical import LexicalIndex
from rag.models import Chunk
from rag.text import split_sentences


@dataclass
class CorpusIndex:
    """What the index held at one moment: committed chunks and term statistics."""

    fingerprint: tuple[tuple[str, str], ...]
    chunks: list[Chunk]
    document_frequency: Counter[str] = field(default_factory=Counter)
    _chunks_by_doc: dict[str, list[Chunk]] | None = field(default=None, repr=False)
    _terms_by_prefix: dict[str, set[str]] | None = field(default=None, repr=False)

    def chunk_count(self) -> int:
        return len(self.chunks)

    def chunks_containing(self, term: str) -> int:
        return self.document_frequency.get(term, 0)

    def similar_terms(self, term: str, limit: int = 5) -> list[str]:
        from rapidfuzz import fuzz, process

        found = process.extract(term, list(self.terms_starting(term[:4])), scorer=fuzz.ratio, limit=limit)
        return [t for t, _score, _i in found]

    def idf(self, term: str) -> float:
        count = len(self.chunks) or 1
        return math.log(1 + count / (1 + self.document_frequency.get(term, 0)))

    def terms_starting(self, prefix: str) -> set[str]:
        """The corpus terms that begin with a 4-letter prefix (indexed once per corpus state)."""
        if self._terms_by_prefix is None:
            grouped: dict[str, set[str]] = {}
            for term in self.document_frequency:
                grouped.setdefault(term[:4], set()).add(term)
            self._terms_by_prefix = grouped
        return self._terms_by_prefix.get(prefix, set())

    def sentences_before(self, doc_id: str, offset: int, limit: int = 3) -> list[str]:
        """The sentences of a document just before an offset, pieced together from its chunks."""
        if self._chunks_by_doc is None:
            grouped: dict[str, list[Chunk]] = {}
            for chunk in self.chunks:
                grouped.setdefault(chunk.doc_id, []).append(chunk)
            self._chunks_by_doc = {doc: sorted(found, key=lambda c: c.start) for doc, found in grouped.items()}
        text, reached = "", None
        for chunk in self._chunks_by_doc.get(doc_id, []):
            if chunk.start >= offset:
                break
            if reached is None or chunk.start > reached + 4:
                text, reached = "", chunk.start  # a gap: only the contiguous text next to the offset counts
            elif chunk.start > reached:
                text, reached = text + "\n" * (chunk.start - reached), chunk.start  # the paragraph break between chunks
            if chunk.end > reached:
                text += chunk.text[reached - chunk.start :]
                reached = chunk.end
        if reached is None:
            return []
        text = text[: len(text) - max(0, reached - offset)]
        return [s.text for s in split_sentences(text)][-limit:]


class LegacyCorpus:
    """Builds the old answerer's CorpusIndex from the lexical index again whenever the index changed."""

    def __init__(self, index: LexicalIndex) -> None:
        self._index = index
        self._view: CorpusIndex | None = None
        self._lock = threading.Lock()

    def view(self) -> CorpusIndex:
        with self._lock:
            generation = self._index.generation
            fingerprint = (("generation", str(generation)),)
            if self._view is None or self._view.fingerprint != fingerprint:
                chunks, frequency = self._index.snapshot()
                chunks.sort(key=lambda c: (c.doc_id, c.start))
                self._view = CorpusIndex(fingerprint, chunks, Counter(frequency))
            return self._view
