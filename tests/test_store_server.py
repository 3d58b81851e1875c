"""Server mode: two pipelines (two API replicas) sharing one real `chroma run` server."""

from __future__ import annotations

from pathlib import Path

from rag.config import get_settings
from rag.pipeline import Pipeline
from tests.conftest import CORPUS, HEADLINE


def test_replicas_share_one_chroma_server(chroma_url: str, embedder, tmp_path: Path) -> None:
    settings = get_settings(chroma_url=chroma_url, data_dir=tmp_path / "unused")
    writer = Pipeline(settings, embedder=embedder)
    reader = Pipeline(settings, embedder=embedder)
    assert reader.ready()
    assert reader.ask(HEADLINE).answered is False  # empty store: the reader builds its index now
    writer.ingest([CORPUS])
    answer = reader.ask(HEADLINE)  # the reader's BM25 index follows the writer's change
    assert answer.answered
    assert "ninth visit" in answer.citations[0].quote
    writer.add_document(b"The Havana ferry now runs 6 boats a day.", "ferry.txt", title="Ferry")
    assert reader.ask("How many boats a day does the Havana ferry run?").answered
    writer.delete("ferry")
    assert not reader.ask("How many boats a day does the Havana ferry run?").answered
    assert not (tmp_path / "unused").exists()
