"""Keeps this replica's lexical index in step with the shared store, one changed document at a time."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rag.index.lexical import LexicalIndex, analyser_version
from rag.ledger import WriteLedger
from rag.models import Chunk, DocumentRecord
from rag.store import ChromaStore

logger = logging.getLogger(__name__)
# Changes are read again this far back: a writer's entry can become visible a little after its timestamp,
# and replicas' clocks may differ by a little.
OVERLAP_S = 5.0
_REBUILD_PAGE = 5_000


class IndexFollower:
    """Reads the change log at most once per `interval` seconds and applies only changed documents."""

    def __init__(
        self, store: ChromaStore, ledger: WriteLedger, index: LexicalIndex, store_key: str, interval: float = 1.0
    ) -> None:
        self._store = store
        self._ledger = ledger
        self._index = index
        self._store_key = store_key
        self._interval = interval
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def start(self) -> None:
        """At start-up: rebuild when the analyser or the store changed, else catch up from the saved cursor."""
        if self._index.meta("analyser") != analyser_version() or self._index.meta("store") != self._store_key:
            self.rebuild()
        self.catch_up(force=True)

    def rebuild(self) -> None:
        """Index every committed chunk of the store again (start-up only: it reads the whole corpus)."""
        started = time.time()
        logger.info("rebuilding the lexical index from the store")
        self._index.clear()
        records = {r.doc_id: r for r in self._store.documents()}
        grouped: dict[str, list[Chunk]] = {}
        offset = 0
        while page := self._store.chunk_page(offset, _REBUILD_PAGE):
            offset += len(page)
            for chunk in page:
                record = records.get(chunk.doc_id)
                if record is not None and chunk.version == record.version:
                    grouped.setdefault(chunk.doc_id, []).append(chunk)
        for doc_id, record in records.items():
            self._index.replace_document(doc_id, record.version, sorted(grouped.get(doc_id, []), key=lambda c: c.start))
        self._index.set_meta("analyser", analyser_version())
        self._index.set_meta("store", self._store_key)
        self._index.set_meta("cursor", repr(started))
        logger.info("lexical index rebuilt: %d documents, %d chunks", len(records), self._index.chunk_count())

    @contextmanager
    def committing(self) -> Iterator[None]:
        """Held by this replica's writer from logging a change until its index holds it.

        A question that looks at the log meanwhile answers from the index as it is, instead of indexing
        the same write again on its own thread (a 1 MB article: a second or more).
        """
        with self._lock:
            yield

    def catch_up(self, force: bool = False) -> None:
        """Apply the documents changed since the last look; skipped if looked at within the interval."""
        now = time.monotonic()
        if not force and now - self._checked_at < self._interval:
            return
        if not self._lock.acquire(blocking=force):
            return  # another request is catching up right now; this one answers from the index as it is
        released_by_resync = False
        try:
            self._checked_at = now
            cursor = float(self._index.meta("cursor") or 0.0)
            changed, latest, horizon = self._ledger.changed_since(cursor - OVERLAP_S)
            if horizon <= cursor - OVERLAP_S:
                self.apply(sorted(changed))
                if latest > cursor:
                    self._index.set_meta("cursor", repr(latest))
            elif force:
                self.resync()
            else:
                # Entries this replica never read were pruned (it was stopped for longer than the log keeps
                # them): every version is compared on a thread of its own, which releases the lock after;
                # questions meanwhile are answered from the index as it is.
                threading.Thread(target=self._resync_and_release, name="index-resync", daemon=True).start()
                released_by_resync = True
        finally:
            if not released_by_resync:
                self._lock.release()

    def _resync_and_release(self) -> None:
        try:
            self.resync()
        except Exception:
            logger.exception("comparing the index with the store failed; the next look tries again")
        finally:
            self._lock.release()

    def resync(self) -> None:
        """Bring every document to the store's committed version, reading records page by page."""
        logger.warning("the change log was pruned past this index's cursor: comparing every version")
        started = time.time()
        stored: set[str] = set()
        offset = 0
        while page := self._store.documents(_REBUILD_PAGE, offset):
            offset += len(page)
            stored.update(record.doc_id for record in page)
            held = self._index.versions(record.doc_id for record in page)
            for record in page:
                if held.get(record.doc_id) != record.version:
                    self.commit(record, self._store.committed_chunks(record))
        # Pages shift when a document is deleted meanwhile: a document not seen is checked once more.
        unseen = sorted(self._index.document_ids() - stored)
        self.apply(unseen)
        self._index.set_meta("cursor", repr(started))
        logger.info("index compared with the store: %d documents", len(stored))

    def apply(self, doc_ids: list[str]) -> None:
        """Bring these documents to the version the store has committed now."""
        if not doc_ids:
            return
        records = self._store.records(doc_ids)
        held = self._index.versions(doc_ids)
        for doc_id in doc_ids:
            record = records.get(doc_id)
            if record is None:
                if doc_id in held:
                    self._index.remove_document(doc_id)
            elif held.get(doc_id) != record.version:
                self.commit(record, self._store.committed_chunks(record))

    def commit(self, record: DocumentRecord, chunks: list[Chunk]) -> None:
        self.commit_all([(record, chunks)])

    def commit_all(self, writes: list[tuple[DocumentRecord, list[Chunk]]]) -> None:
        """Several committed writes, applied in one transaction."""
        self._index.replace_documents([(record.doc_id, record.version, chunks) for record, chunks in writes])
