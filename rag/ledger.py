"""Writes in progress and committed changes, kept in the shared store so every replica sees them.

A writer registers its write before storing chunks and removes it after committing; the change log
gets one entry per committed write or delete. Replicas follow the log to update their local index; a
writer cleaning up never deletes chunks of a write still registered, unless it was registered long ago
(abandoned by a process that died).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any

from rag.store import guarded

# Collections without vectors still need one per record.
_PLACEHOLDER_VECTOR = [1.0]


def new_write_id() -> str:
    return uuid.uuid4().hex[:16]


class WriteLedger:
    def __init__(self, client: Any, prefix: str = "articles") -> None:
        self._pending = client.get_or_create_collection(f"{prefix}-pending", embedding_function=None)
        self._changes = client.get_or_create_collection(f"{prefix}-changes", embedding_function=None)

    @guarded
    def begin(self, writes: Sequence[tuple[str, str]]) -> None:
        """Register (write id, doc id) pairs about to store chunks."""
        _stamp(self._pending, writes, "started_at")

    @guarded
    def finish(self, write_ids: Sequence[str]) -> None:
        if write_ids:
            self._pending.delete(ids=list(write_ids))

    @guarded
    def pending(self, doc_id: str | None = None) -> dict[str, tuple[str, float]]:
        """Writes in progress: write id -> (doc id, start time)."""
        result = self._pending.get(where={"doc_id": doc_id} if doc_id else None, include=["metadatas"])
        return {
            write_id: (str(meta["doc_id"]), float(meta["started_at"]))
            for write_id, meta in zip(result["ids"], result["metadatas"], strict=True)
        }

    @guarded
    def committed(self, changes: Sequence[tuple[str, str]]) -> None:
        """Log (write id, doc id) pairs as committed; a delete is logged under a fresh id."""
        _stamp(self._changes, changes, "changed_at")

    @guarded
    def changed_since(self, moment: float) -> tuple[set[str], float]:
        """Documents changed after `moment`, and the latest change time seen (or `moment`)."""
        result = self._changes.get(where={"changed_at": {"$gt": moment}}, include=["metadatas"])
        metas = result["metadatas"] or []
        latest = max((float(m["changed_at"]) for m in metas), default=moment)
        return {str(m["doc_id"]) for m in metas}, latest


def _stamp(collection: Any, pairs: Sequence[tuple[str, str]], moment_key: str) -> None:
    """Record (write id, doc id) pairs with the time now under `moment_key`."""
    if pairs:
        now = time.time()
        collection.upsert(
            ids=[write_id for write_id, _doc in pairs],
            embeddings=[_PLACEHOLDER_VECTOR] * len(pairs),
            metadatas=[{"doc_id": doc_id, moment_key: now} for _write, doc_id in pairs],
        )
