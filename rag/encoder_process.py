"""Ingest's encoder in a process of its own, for bulk ingests (`rag ingest`).

Measured on this 2-core machine (session 9): each batch embedded on a thread while ingest read, cleaned,
chunked and wrote the next articles took 1.2-1.7 s longer than the same batch alone, and lowering the other
threads' priority did not help; in a separate process the encoder kept its solo speed beside the same work.
The process loads the same model at the same dtype (the light encoder of rag/encoder.py where the folder is
supported, sentence-transformers otherwise) and answers one batch at a time.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any, Literal

import numpy as np

from rag.errors import RagError

# How often a caller waiting for vectors checks that the process is still alive.
_POLL_S = 0.5


class EncoderProcessError(RagError):
    """The encoder process failed to load its model or stopped."""

    code = "encoder_process_failed"


class EncoderProcess:
    """Starts loading the model at once, in a new interpreter (`python -m rag.encoder_process`: never a fork,
    since torch's threads do not survive one, and not multiprocessing's spawn, which re-runs the caller's main
    module); `encode` waits for it. One batch at a time over two pipes; `close` stops the process."""

    def __init__(self, model_dir: str, dtype: Literal["bf16", "fp32"]) -> None:
        texts_in, texts_out = os.pipe()
        vectors_in, vectors_out = os.pipe()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "rag.encoder_process", str(texts_in), str(vectors_out), model_dir, dtype],
                pass_fds=(texts_in, vectors_out), stdin=subprocess.DEVNULL,
            )  # fmt: skip
        finally:
            os.close(texts_in)
            os.close(vectors_out)
        self._texts = Connection(texts_out, readable=False)
        self._vectors = Connection(vectors_in, writable=False)
        self._lock = threading.Lock()
        self._closed = False

    @property
    def pid(self) -> int:
        return self._process.pid

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            if self._closed:
                raise EncoderProcessError("the encoder process was closed")
            try:
                self._texts.send(texts)
                reply = self._receive()
            except (BrokenPipeError, EOFError, ConnectionResetError):
                raise self._stopped() from None
        if isinstance(reply, str):
            raise EncoderProcessError(f"the encoder process failed: {reply}")
        return reply  # type: ignore[no-any-return]

    def _receive(self) -> Any:
        while not self._vectors.poll(_POLL_S):
            if self._process.poll() is not None:
                raise self._stopped()
        return self._vectors.recv()

    def _stopped(self) -> EncoderProcessError:
        try:
            code = self._process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            code = None
        return EncoderProcessError(
            f"the encoder process stopped (exit code {code}); nothing of the batch it held was stored. "
            "Run the same command again: what was stored is kept, and unchanged articles are skipped"
        )

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            with contextlib.suppress(OSError):
                self._texts.send(None)
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._texts.close()
            self._vectors.close()


def serve(texts: Connection, vectors: Connection, model_dir: str, dtype: Literal["bf16", "fp32"]) -> None:
    """The process's loop: texts in, float32 vectors (or an error message) out, until None or a closed pipe."""
    from rag.embedding import SentenceTransformerEmbedder

    try:
        embedder: SentenceTransformerEmbedder | None = SentenceTransformerEmbedder(model_dir, dtype)
        failure = ""
    except Exception as exc:  # reported to the first caller, who raises it as EncoderProcessError
        embedder, failure = None, f"{type(exc).__name__}: {exc}"
    while True:
        try:
            batch = texts.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        try:
            vectors.send(embedder.embed(batch) if embedder else failure)
        except Exception as exc:
            vectors.send(f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    texts_fd, vectors_fd, folder, precision = sys.argv[1:5]
    serve(
        Connection(int(texts_fd), writable=False), Connection(int(vectors_fd), readable=False), folder,
        "bf16" if precision == "bf16" else "fp32",
    )  # fmt: skip
