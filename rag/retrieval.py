"""Dense (Chroma) and BM25 retrieval, fused with reciprocal rank fusion."""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import bm25s

from rag.embedding import Embedder
from rag.index import CorpusStats
from rag.models import Chunk, DocumentRecord, Passage
from rag.store import ChromaStore
from rag.text import content_terms, split_sentences

logger = logging.getLogger(__name__)
# bm25s logs every index build at DEBUG through its own handler.
logging.getLogger("bm25s").setLevel(logging.WARNING)
RetrieverMode = Literal["dense", "bm25", "hybrid"]
RRF_K = 60
CANDIDATES = 20


@dataclass
class CorpusIndex:
    """What the store held at one moment: valid chunks, their BM25 index, term statistics."""

    fingerprint: tuple[tuple[str, str], ...]
    records: dict[str, DocumentRecord]
    chunks: list[Chunk]
    bm25: bm25s.BM25 | None
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


class HybridRetriever:
    def __init__(self, store: ChromaStore, embedder: Embedder) -> None:
        self._store = store
        self._embedder = embedder
        self._index: CorpusIndex | None = None
        self._lock = threading.Lock()

    def corpus(self) -> CorpusIndex:
        """The index for what the store holds now, rebuilt when any document changed."""
        records = {r.doc_id: r for r in self._store.documents()}
        fingerprint = tuple(sorted((r.doc_id, r.content_hash) for r in records.values()))
        with self._lock:
            if self._index is None or self._index.fingerprint != fingerprint:
                self._index = _build_index(fingerprint, records, self._store.all_chunks())
            return self._index

    def stats(self) -> CorpusStats:
        return self.corpus()

    def retrieve(self, query: str, top_k: int, mode: RetrieverMode = "hybrid") -> list[Passage]:
        index = self.corpus()
        if not index.chunks:
            return []
        rankings: list[list[tuple[Chunk, float]]] = []
        if mode in ("dense", "hybrid"):
            rankings.append(self._dense(query, index))
        if mode in ("bm25", "hybrid"):
            rankings.append(_bm25(query, index))
        fused = reciprocal_rank_fusion(rankings)
        return collapse_near_duplicates(fused)[:top_k]

    def _dense(self, query: str, index: CorpusIndex) -> list[tuple[Chunk, float]]:
        vector = self._embedder.embed([query])[0]
        hits = self._store.query(vector, CANDIDATES + 10)
        # Chunks of an interrupted or superseded write are not part of the corpus.
        return [(chunk, score) for chunk, score in hits if _is_committed(chunk, index)][:CANDIDATES]


def _is_committed(chunk: Chunk, index: CorpusIndex) -> bool:
    record = index.records.get(chunk.doc_id)
    return record is not None and record.content_hash == chunk.content_hash


def _build_index(
    fingerprint: tuple[tuple[str, str], ...], records: dict[str, DocumentRecord], chunks: list[Chunk]
) -> CorpusIndex:
    committed = [c for c in chunks if c.doc_id in records and records[c.doc_id].content_hash == c.content_hash]
    committed.sort(key=lambda c: (c.doc_id, c.start))
    corpus_terms = [content_terms(c.text) for c in committed]
    frequency: Counter[str] = Counter()
    for terms in corpus_terms:
        frequency.update(set(terms))
    bm25 = None
    if committed:
        bm25 = bm25s.BM25()
        bm25.index([terms or ["_"] for terms in corpus_terms], show_progress=False)
    logger.info("retrieval index rebuilt: %d documents, %d chunks", len(records), len(committed))
    return CorpusIndex(fingerprint, records, committed, bm25, frequency)


def _bm25(query: str, index: CorpusIndex) -> list[tuple[Chunk, float]]:
    terms = [t for t in content_terms(query) if t in index.document_frequency]
    if not terms or index.bm25 is None:
        return []
    k = min(CANDIDATES, len(index.chunks))
    ids, scores = index.bm25.retrieve([terms], k=k, show_progress=False)
    return [(index.chunks[int(i)], float(s)) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]


def reciprocal_rank_fusion(rankings: list[list[tuple[Chunk, float]]]) -> list[Passage]:
    scores: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    for ranking in rankings:
        for rank, (chunk, _score) in enumerate(ranking):
            scores[chunk.chunk_id] = scores.get(chunk.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
            chunks[chunk.chunk_id] = chunk
    ordered = sorted(scores, key=lambda cid: -scores[cid])
    return [Passage(chunks[cid], scores[cid]) for cid in ordered]


def collapse_near_duplicates(passages: list[Passage], threshold: float = 0.9) -> list[Passage]:
    """Keep the best of passages whose terms are nearly the same (syndicated copies)."""
    kept: list[Passage] = []
    kept_terms: list[set[str]] = []
    for passage in passages:
        terms = set(content_terms(passage.chunk.text))
        if any(len(terms & other) / max(1, len(terms | other)) >= threshold for other in kept_terms):
            continue
        kept.append(passage)
        kept_terms.append(terms)
    return kept
