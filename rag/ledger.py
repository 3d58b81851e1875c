"""Writes in progress and committed changes, kept in the shared store so every replica sees them.

A writer registers its write before storing chunks and removes it after committing; the change log
gets one entry per committed write or delete. Replicas follow the log to update their local index; a
writer cleaning up never deletes chunks of a write still registered, unless it was registered long ago
(abandoned by a process that died).

Writers prune the log by age (entries older than `keep_s`, a week by default, far beyond the seconds a
replica reads back), at most once an hour. The log keeps its horizon, the time before which entries may
be gone: a replica whose cursor is older than that (it was stopped longer) compares versions instead.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Sequence
from typing import Any

from rag.errors import StoreUnavailableError
from rag.store import guarded

logger = logging.getLogger(__name__)

# Collections without vectors still need one per record.
_PLACEHOLDER_VECTOR = [1.0]
KEEP_CHANGES_S = 7 * 24 * 3600.0
PRUNE_EVERY_S = 3600.0
_HORIZON_ID = "horizon"


def new_write_id() -> str:
    return uuid.uuid4().hex[:16]


class WriteLedger:
    def __init__(self, client: Any, prefix: str = "articles", keep_s: float = KEEP_CHANGES_S) -> None:
        self._pending = client.get_or_create_collection(f"{prefix}-pending", embedding_function=None)
        self._changes = client.get_or_create_collection(f"{prefix}-changes", embedding_function=None)
        self._keep_s = keep_s
        self._pruned_at: float | None = None

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
        if self._pruned_at is None or time.monotonic() - self._pruned_at >= PRUNE_EVERY_S:
            self._pruned_at = time.monotonic()
            # Off the write's path: a failed prune is tried again an hour later, the write stands.
            threading.Thread(target=self._prune_quietly, name="change-log-prune", daemon=True).start()

    def _prune_quietly(self) -> None:
        try:
            self.prune(time.time() - self._keep_s)
        except StoreUnavailableError:
            logger.warning("pruning the change log failed; tried again in an hour")

    @guarded
    def prune(self, before: float) -> None:
        """Delete the entries logged before `before`; the horizon is raised first, so a reader never
        finds entries gone without finding the horizon that says so."""
        if before > self.horizon():
            self._changes.upsert(
                ids=[_HORIZON_ID], embeddings=[_PLACEHOLDER_VECTOR], metadatas=[{"pruned_before": before}]
            )
        self._changes.delete(where={"changed_at": {"$lt": before}})

    @guarded
    def horizon(self) -> float:
        """Entries logged before this time may have been pruned (0.0: none ever were)."""
        metas = self._changes.get(ids=[_HORIZON_ID], include=["metadatas"])["metadatas"] or []
        return max((float(m["pruned_before"]) for m in metas), default=0.0)

    @guarded
    def changed_since(self, moment: float) -> tuple[set[str], float, float]:
        """Documents changed after `moment`, the latest change time seen (or `moment`), and the horizon."""
        # One read returns the entries and the horizon together (a snapshot: see prune()).
        where = {"$or": [{"changed_at": {"$gt": moment}}, {"pruned_before": {"$gt": 0.0}}]}
        metas = self._changes.get(where=where, include=["metadatas"])["metadatas"] or []
        changes = [m for m in metas if "changed_at" in m]
        latest = max((float(m["changed_at"]) for m in changes), default=moment)
        horizon = max((float(m["pruned_before"]) for m in metas if "pruned_before" in m), default=0.0)
        return {str(m["doc_id"]) for m in changes}, latest, horizon


def _stamp(collection: Any, pairs: Sequence[tuple[str, str]], moment_key: str) -> None:
    """Record (write id, doc id) pairs with the time now under `moment_key`."""
    if pairs:
        now = time.time()
        collection.upsert(
            ids=[write_id for write_id, _doc in pairs],
            embeddings=[_PLACEHOLDER_VECTOR] * len(pairs),
            metadatas=[{"doc_id": doc_id, moment_key: now} for _write, doc_id in pairs],
        )
