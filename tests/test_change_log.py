"""The shared change log is pruned by age; a replica whose cursor is older than what was kept compares versions."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from rag.config import get_settings
from rag.index.follower import IndexFollower
from rag.ledger import WriteLedger
from rag.pipeline import Pipeline
from tests.conftest import CORPUS

FERRY = "How many boats a day does the Havana ferry run?"


def _replica(tmp_path: Path, name: str, embedder) -> Pipeline:
    """Replicas share the store (one data folder here) and keep their own lexical index."""
    settings = get_settings(data_dir=tmp_path / "store", index_dir=tmp_path / f"index-{name}")
    return Pipeline(settings, embedder=embedder)


def _changes(pipeline: Pipeline) -> int:
    return int(pipeline.store.client.get_collection("articles-changes").count())


def _holds(pipeline: Pipeline, text: str) -> bool:
    return any(text in p.chunk.text for p in pipeline.retrieve(FERRY, top_k=20, mode="bm25"))


def _no_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: IndexFollower) -> None:
        raise AssertionError("the index was rebuilt")

    monkeypatch.setattr(IndexFollower, "rebuild", refuse)


def test_a_writer_prunes_entries_older_than_the_log_keeps(tmp_path: Path, embedder) -> None:
    writer = _replica(tmp_path, "a", embedder)
    writer.ingest([CORPUS])
    old = _changes(writer)
    assert old >= 2
    time.sleep(1.2)
    # A writer prunes on its first commit, then at most once an hour.
    ledger = WriteLedger(writer.store.client, keep_s=1.0)
    ledger.committed([("w-new", "ferry")])
    deadline = time.monotonic() + 10  # the prune runs on a thread of its own, off the write's path
    while _changes(writer) != 2:  # the new entry and the horizon
        assert time.monotonic() < deadline, f"{_changes(writer)} entries left"
        time.sleep(0.05)
    assert ledger.changed_since(0.0)[0] == {"ferry"}
    assert time.time() - 2.5 < ledger.horizon() < time.time() - 1.0
    ledger.committed([("w-newer", "ferry")])
    assert _changes(writer) == 3  # not pruned again within the hour


def test_pruning_keeps_what_replicas_read_back(tmp_path: Path, embedder) -> None:
    first = _replica(tmp_path, "a", embedder)
    second = _replica(tmp_path, "b", embedder)
    first.ingest([CORPUS])
    WriteLedger(first.store.client).prune(time.time() - 3600)  # a log an hour deep: nothing recent goes
    first.add_document(b"The Havana ferry now runs 6 boats a day.", "ferry.txt", title="Ferry")
    second._follower.catch_up(force=True)
    assert _holds(second, "6 boats")
    assert second.counts() == first.counts()


def test_a_replica_behind_the_pruned_log_compares_versions_without_a_rebuild(
    tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _replica(tmp_path, "a", embedder)
    first.ingest([CORPUS])
    _replica(tmp_path, "b", embedder)  # replica b has run once, then stops
    _no_rebuild(monkeypatch)
    first.add_document(b"The Havana ferry now runs 6 boats a day.", "ferry.txt", title="Ferry")
    first.delete(sorted(first.index.document_ids())[0])
    ledger = WriteLedger(first.store.client)
    ledger.prune(time.time() + 1)  # as if a week had passed: b's entries are gone
    assert ledger.changed_since(0.0)[0] == set()

    second = _replica(tmp_path, "b", embedder)  # b starts again: behind the horizon, it compares versions
    assert second.counts() == first.counts()
    assert _holds(second, "6 boats")

    # While serving: the comparison runs on its own thread, and questions keep being answered.
    first.add_document(b"The Havana ferry now runs 9 boats a day.", "ferry.txt", title="Ferry", replace=True)
    time.sleep(1.1)
    ledger.prune(time.time() + 1)
    deadline = time.monotonic() + 10
    while not _holds(second, "9 boats"):
        assert time.monotonic() < deadline, "the replica never compared versions"
        time.sleep(0.1)
    assert not _holds(second, "6 boats")
    assert second.counts() == first.counts()
