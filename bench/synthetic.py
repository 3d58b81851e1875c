"""Synthetic articles and chunks for the benchmarks, made from the corpus's own sentences."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np

from rag.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def corpus_sentences() -> list[str]:
    texts = [path.read_text() for path in sorted(CORPUS.glob("*.txt"))]
    return [s.text for text in texts for s in split_sentences(text) if len(s.text.split()) >= 6]


def write_articles(folder: Path, count: int, seed: int = 0) -> None:
    """`count` articles of 9-15 paragraphs: corpus sentences reshuffled, numbers changed, so none repeats."""
    folder.mkdir(parents=True, exist_ok=True)
    shuffler = random.Random(seed)
    pool = corpus_sentences()
    for n in range(count):
        paragraphs = []
        for _ in range(shuffler.randint(9, 15)):
            picked = shuffler.sample(pool, 3)
            paragraphs.append(" ".join(re.sub(r"\d+", lambda _m: str(shuffler.randint(2, 9999)), s) for s in picked))
        title = f"Report {n}: " + " ".join(shuffler.sample(pool, 1)[0].split()[:8])
        (folder / f"article-{n:05d}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n")


def synthetic_chunk_texts(count: int, seed: int = 0) -> list[str]:
    """Chunk-sized texts (5-7 corpus sentences, numbers changed) for filling a store directly."""
    shuffler = random.Random(seed)
    pool = corpus_sentences()
    texts = []
    for _ in range(count):
        picked = shuffler.sample(pool, shuffler.randint(5, 7))
        texts.append(" ".join(re.sub(r"\d+", lambda _m: str(shuffler.randint(2, 9999)), s) for s in picked))
    return texts


def nearby_vectors(base: np.ndarray, count: int, seed: int = 0, noise: float = 0.05) -> np.ndarray:
    """Unit vectors near the given ones (precomputed stand-ins, so filling 100k chunks skips the model)."""
    generator = np.random.default_rng(seed)
    picks = base[generator.integers(0, len(base), count)]
    vectors = picks + noise * generator.standard_normal(picks.shape).astype(np.float32)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
