"""The sentence-vector cache in front of the model."""

from __future__ import annotations

import numpy as np

from rag.embedding import CachedEmbedder, SentenceTransformerEmbedder


class CountingEmbedder:
    """Pure-logic stand-in: a text's vector is its length, so order mistakes show."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[float(len(t))] for t in texts], dtype=np.float32)


def test_only_unseen_texts_reach_the_model_and_order_is_kept() -> None:
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, max_entries=3)
    assert cache.embed(["a", "bbb", "a"]).ravel().tolist() == [1.0, 3.0, 1.0]
    assert cache.embed(["bbb", "cc"]).ravel().tolist() == [3.0, 2.0]
    assert inner.seen == ["a", "bbb", "cc"]
    cache.embed(["dddd"])  # evicts the least recently used: "a"
    cache.embed(["a", "cc"])
    assert inner.seen == ["a", "bbb", "cc", "dddd", "a"]
    assert cache.embed([]).shape == (0, 384)


def test_cached_vectors_are_the_model_vectors(embedder: SentenceTransformerEmbedder) -> None:
    texts = ["Lavrov visited Cuba.", "The forum took place in Havana."]
    cache = CachedEmbedder(embedder)
    first = cache.embed(texts)
    second = cache.embed(list(reversed(texts)))
    assert np.allclose(first, embedder.embed(texts), atol=1e-5)
    assert np.allclose(second, first[::-1])
