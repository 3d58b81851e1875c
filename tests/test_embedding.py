"""The sentence-vector cache in front of the model."""

from __future__ import annotations

import numpy as np

from rag.embedding import CachedEmbedder, SentenceTransformerEmbedder, cpu_has_bf16, resolve_dtype
from tests.conftest import HEADLINE

EVAL_QUESTIONS = [HEADLINE, "Who met Lavrov in Havana?", "When did the visit end?"]


class CountingEmbedder:
    """Pure-logic stand-in: a text's vector is its length, so order mistakes show."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: list[str], *, urgent: bool = True) -> np.ndarray:
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


def test_bf16_and_fp32_vectors_of_the_corpus_agree(corpus_pipeline, tmp_path) -> None:
    chunks, _terms = corpus_pipeline.index.snapshot()
    texts = [c.text for c in chunks] + EVAL_QUESTIONS
    fp32 = SentenceTransformerEmbedder(dtype="fp32").embed(texts)
    bf16 = SentenceTransformerEmbedder(dtype="bf16").embed(texts, urgent=False)
    cosines = np.sum(fp32 * bf16, axis=1)
    assert len(texts) > 10
    assert cosines.min() >= 0.995, cosines.min()


def test_auto_dtype_follows_the_cpu_flags(tmp_path) -> None:
    flags = tmp_path / "cpuinfo"
    flags.write_text("flags\t\t: fpu sse2 avx2 avx512f\n")
    assert not cpu_has_bf16(flags)
    flags.write_text("flags\t\t: fpu sse2 avx512f avx512_bf16 amx_tile\n")
    assert cpu_has_bf16(flags)
    assert not cpu_has_bf16(tmp_path / "missing")
    assert resolve_dtype("fp32") == "fp32"


def test_warming_up_prepares_the_writers_model_copy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The first upload after start-up neither copies the model nor runs it cold."""
    from rag.config import get_settings
    from rag.pipeline import Pipeline

    embedder = SentenceTransformerEmbedder()
    pipeline = Pipeline(get_settings(data_dir=tmp_path / "data"), embedder=embedder)
    assert embedder._background_model is None
    pipeline.warm_up()
    assert embedder._background_model is not None
