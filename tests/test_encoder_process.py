"""The encoder process bulk ingests embed in: the same vectors as in-process, and a clear error when it dies."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pytest

from rag.config import get_settings
from rag.embedding import SentenceTransformerEmbedder, bundled_model_dir
from rag.encoder_process import EncoderProcess, EncoderProcessError
from rag.pipeline import Pipeline
from tests.conftest import CORPUS, HEADLINE


def test_the_process_vectors_are_the_in_process_vectors(embedder: SentenceTransformerEmbedder, corpus_pipeline) -> None:  # type: ignore[no-untyped-def]
    chunks, _terms = corpus_pipeline.index.snapshot()
    texts = [c.text for c in chunks] + [HEADLINE, "", (CORPUS / "000_4cf0f03d988b155e.txt").read_text()]
    process = EncoderProcess(bundled_model_dir(), embedder.dtype)
    try:
        apart = process.encode(texts)
    finally:
        process.close()
    here = embedder.embed(texts, urgent=False)  # sentence-transformers on a thread of this process
    assert apart.shape == here.shape == (len(texts), 384)
    assert np.sum(apart * here, axis=1).min() >= 0.999
    with pytest.raises(EncoderProcessError, match="closed"):
        process.encode(["after close"])


def test_a_bulk_ingest_answers_and_a_killed_process_stores_nothing(tmp_path: Path, corpus_copy: Path) -> None:
    pipeline = Pipeline(get_settings(data_dir=tmp_path / "data"), encoder_process=True)
    try:
        assert isinstance(pipeline.embedder, SentenceTransformerEmbedder)
        assert pipeline.embedder.process is not None
        report = pipeline.ingest([corpus_copy])
        assert report.added == len(list(corpus_copy.glob("*.txt")))
        assert report.chunks_written > 0
        answer = pipeline.ask(HEADLINE)
        assert answer.answer.startswith("Nine times"), answer.answer
        before = pipeline.counts()

        os.kill(pipeline.embedder.process.pid, signal.SIGKILL)
        extra = tmp_path / "extra"
        extra.mkdir()
        (extra / "new.txt").write_text("Title: A harbour reopens\n\nThe harbour of Port Vell reopened on Monday.\n")
        with pytest.raises(EncoderProcessError, match=r"stopped \(exit code -9\).*Run the same command again"):
            pipeline.ingest([extra])
        assert pipeline.counts() == before
        assert pipeline.store.records(["new"]) == {}
    finally:
        pipeline.close()
