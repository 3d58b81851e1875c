"""Two replicas on one real `chroma run` server, each with its own local lexical index."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from rag.config import get_settings
from rag.pipeline import Pipeline
from rag.text import content_terms
from tests.conftest import CORPUS, DOC_OTHER

QUESTION = "How many boats a day does the Havana ferry run?"

FERRY_TERM = content_terms("ferry")[0]  # the analyser's form of the word


def _replica(chroma: str, tmp_path: Path, name: str, embedder) -> Pipeline:
    settings = get_settings(chroma_url=chroma, data_dir=tmp_path / "local", index_dir=tmp_path / f"index-{name}")
    return Pipeline(settings, embedder=embedder)


def _seconds_until(check, limit: float = 5.0) -> float:
    """How long until check() holds, polling every 20 ms (fails after `limit` seconds)."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < limit, "the other replica never saw the change"
        time.sleep(0.02)
    return time.monotonic() - started


def _holds(pipeline: Pipeline, doc_id: str, text: str) -> bool:
    return any(p.chunk.doc_id == doc_id and text in p.chunk.text for p in pipeline.retrieve(QUESTION, top_k=20))


def test_a_write_on_one_replica_is_answerable_on_the_other_within_a_second(
    chroma_url: str,
    embedder,
    tmp_path: Path,
) -> None:
    first = _replica(chroma_url, tmp_path, "a", embedder)
    second = _replica(chroma_url, tmp_path, "b", embedder)
    first.ingest([CORPUS])
    assert _seconds_until(lambda: second.counts() == first.counts()) <= 1.0
    assert not _holds(second, "ferry", "boats")  # also warms the model up, as `rag serve` does at start
    first.add_document(b"The Havana ferry now runs 6 boats a day.", "ferry.txt", title="Ferry")
    assert _seconds_until(lambda: _holds(second, "ferry", "6 boats")) <= 1.0
    assert second.index.chunks_containing(FERRY_TERM) == 1
    first.add_document(b"The Havana ferry now runs 9 boats a day.", "ferry.txt", title="Ferry", replace=True)
    assert _seconds_until(lambda: _holds(second, "ferry", "9 boats")) <= 1.0
    assert not _holds(second, "ferry", "6 boats")
    second.delete("ferry")
    assert _seconds_until(lambda: not _holds(first, "ferry", "boats")) <= 1.0
    assert first.index.chunks_containing(FERRY_TERM) == 0


def test_concurrent_writes_of_one_document_leave_exactly_one_complete_copy(
    chroma_url: str,
    embedder,
    tmp_path: Path,
) -> None:
    replicas = [_replica(chroma_url, tmp_path, name, embedder) for name in ("a", "b")]
    article = (CORPUS / f"{DOC_OTHER}.txt").read_text()
    for round_ in range(5):
        bodies = [f"{article}\n\nThe {side} wing reopened in round {round_}.\n".encode() for side in ("east", "west")]
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=_write_together, args=(replica, body, barrier))
            for replica, body in zip(replicas, bodies, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        record = replicas[0].store.records(["harbour"])["harbour"]
        versions = replicas[0].store.chunk_versions(["harbour"])
        assert {version for _doc, _cid, version in versions} == {record.version}
        assert len(versions) == record.chunks > 1
        committed = replicas[0].store.committed_chunks(record)
        text = replicas[0].document("harbour").text
        assert committed[0].start == 0
        assert committed[-1].end == len(text)
        assert all(text[c.start : c.end] == c.text for c in committed)
        for replica in replicas:
            assert _seconds_until(lambda r=replica, v=record.version: _indexed_version(r, "harbour") == v) <= 1.0


def _write_together(replica: Pipeline, body: bytes, barrier: threading.Barrier) -> None:
    barrier.wait()
    replica.add_document(body, "harbour.txt", title="Harbour", replace=True)


def _indexed_version(pipeline: Pipeline, doc_id: str) -> str | None:
    pipeline.counts()  # a request: the replica looks at the change log (at most once a second)
    return pipeline.index.versions([doc_id]).get(doc_id)
