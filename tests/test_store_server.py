"""Server mode: two pipelines (two API replicas) sharing one real `chroma run` server."""

from __future__ import annotations

import time
from pathlib import Path

from rag.config import get_settings
from rag.pipeline import Pipeline
from tests.conftest import CORPUS, HEADLINE


def test_replicas_share_one_chroma_server(chroma_url: str, embedder, tmp_path: Path) -> None:
    settings = get_settings(chroma_url=chroma_url, data_dir=tmp_path / "local")
    writer = Pipeline(settings.model_copy(update={"index_dir": tmp_path / "writer-index"}), embedder=embedder)
    reader = Pipeline(settings.model_copy(update={"index_dir": tmp_path / "reader-index"}), embedder=embedder)
    assert reader.ready()
    assert reader.ask(HEADLINE).answered is False  # empty store: the reader builds its index now
    writer.ingest([CORPUS])
    time.sleep(1.1)  # the reader looks at the change log at most once a second
    answer = reader.ask(HEADLINE)  # the reader's BM25 index follows the writer's change
    assert answer.answered
    assert "ninth visit" in answer.citations[0].quote.lower()
    writer.add_document(b"The Orlova ferry now runs 6 boats a day.", "ferry.txt", title="Ferry")
    time.sleep(1.1)
    assert reader.ask("How many boats a day does the Orlova ferry run?").answered
    writer.delete("ferry")
    time.sleep(1.1)
    assert not reader.ask("How many boats a day does the Orlova ferry run?").answered
    assert not (tmp_path / "local" / "chroma.sqlite3").exists()  # the store is the server; only indexes are local
