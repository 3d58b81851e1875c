"""Dense (Chroma) and BM25 (SQLite FTS5) retrieval, fused with reciprocal rank fusion."""

from __future__ import annotations

import logging
from typing import Literal

from rag.embedding import Embedder
from rag.index import CorpusStats
from rag.index.follower import IndexFollower
from rag.index.lexical import LexicalIndex
from rag.models import Chunk, Passage
from rag.store import ChromaStore
from rag.text import content_terms

logger = logging.getLogger(__name__)
RetrieverMode = Literal["dense", "bm25", "hybrid"]
RRF_K = 60
CANDIDATES = 20


class HybridRetriever:
    """Dense search in the store and BM25 in this replica's lexical index, over committed chunks only."""

    def __init__(self, store: ChromaStore, embedder: Embedder, index: LexicalIndex, follower: IndexFollower) -> None:
        self._store = store
        self._embedder = embedder
        self._index = index
        self._follower = follower

    def stats(self) -> CorpusStats:
        self._follower.catch_up()
        return self._index

    def retrieve(self, query: str, top_k: int, mode: RetrieverMode = "hybrid") -> list[Passage]:
        with self._store.reading():
            return self._retrieve(query, top_k, mode)

    def _retrieve(self, query: str, top_k: int, mode: RetrieverMode) -> list[Passage]:
        self._follower.catch_up()
        if self._index.chunk_count() == 0:
            return []
        rankings: list[list[tuple[Chunk, float]]] = []
        if mode in ("dense", "hybrid"):
            rankings.append(self._dense(query))
        if mode in ("bm25", "hybrid"):
            rankings.append(self._index.search(content_terms(query), CANDIDATES))
        fused = reciprocal_rank_fusion(rankings)
        return collapse_near_duplicates(fused)[:top_k]

    def _dense(self, query: str) -> list[tuple[Chunk, float]]:
        vector = self._embedder.embed([query])[0]
        hits = self._store.query(vector, CANDIDATES + 10)
        # The local index holds the committed chunks only: a chunk of a write in progress, interrupted or
        # superseded is not there, and is not part of the corpus.
        committed = self._index.chunks(chunk_id for chunk_id, _score in hits)
        return [(committed[cid], score) for cid, score in hits if cid in committed][:CANDIDATES]


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
