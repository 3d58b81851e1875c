"""Server mode: two pipelines (two API replicas) sharing one real `chroma run` server."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.config import get_settings
from rag.pipeline import Pipeline
from tests.conftest import CORPUS, HEADLINE, free_port, wait_until


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    executable = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    log = open(tmp_path / "chroma.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [executable, "run", "--path", str(tmp_path / "chroma"), "--port", str(port), "--host", "127.0.0.1"],
        stdout=log, stderr=log,
    )  # fmt: skip
    try:
        wait_until(f"http://127.0.0.1:{port}/api/v2/heartbeat", process, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


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
    assert "ninth visit" in answer.citations[0].quote
    writer.add_document(b"The Havana ferry now runs 6 boats a day.", "ferry.txt", title="Ferry")
    time.sleep(1.1)
    assert reader.ask("How many boats a day does the Havana ferry run?").answered
    writer.delete("ferry")
    time.sleep(1.1)
    assert not reader.ask("How many boats a day does the Havana ferry run?").answered
    assert not (tmp_path / "local" / "chroma.sqlite3").exists()  # the store is the server; only indexes are local
