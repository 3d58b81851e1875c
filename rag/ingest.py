"""Chunking with llama-index, batched embedding across documents, and idempotent writes to the store.

Every write stores its chunks first and the document record last (the commit), under a fresh write
id, so a crash or a concurrent writer never leaves a record pointing at missing chunks.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.documents import check_suffix, decode_article_bytes, doc_id_for_path, iter_article_files, load_file
from rag.embedding import Embedder
from rag.errors import DocumentTooLargeError, InvalidInputError, UnsupportedDocumentError
from rag.ledger import WriteLedger, new_write_id
from rag.models import Article, Chunk, DocumentRecord, IngestReport
from rag.store import ChromaStore

logger = logging.getLogger(__name__)
Progress = Callable[[str, int], None]  # (doc id, chunks written for it), after each document
OnCommit = Callable[[list[tuple[DocumentRecord, list[Chunk]]]], None]  # the writes one batch committed
# Chunks from several articles are embedded and stored together: the model is fastest on full batches.
FLUSH_CHUNKS = 256
# The first batch is small, so the model starts after a few articles instead of waiting for a full batch.
FIRST_FLUSH_CHUNKS = 64
# A write registered this long ago and never finished was abandoned (its process died): sweep it.
ABANDONED_AFTER_S = 600.0


@dataclass(frozen=True)
class WriteResult:
    doc_id: str
    status: str  # "added" | "updated" | "unchanged"
    chunks: int
    chunks_written: int


@dataclass(frozen=True)
class _Write:
    record: DocumentRecord
    chunks: list[Chunk]
    replaces: bool


def content_hash(article: Article) -> str:
    """Covers everything a chunk carries, so a changed title or date rewrites the chunks too."""
    parts = (article.text, article.title, article.date or "", article.source or "", article.url or "")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class Ingestor:
    def __init__(
        self, store: ChromaStore, embedder: Embedder, chunk_size: int, chunk_overlap: int,
        ledger: WriteLedger, on_commit: OnCommit | None = None, on_delete: Callable[[str], None] | None = None,
        max_chunks: int = 2_000, committing: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> None:  # fmt: skip
        self._store = store
        self._max_chunks = max_chunks
        self._embedder = embedder
        self._ledger = ledger
        self._on_commit = on_commit
        self._on_delete = on_delete
        self._committing = committing
        self._chunk_size = chunk_size
        self._chunk_overlap = chunk_overlap
        self._splitter: Any = None
        self._splitter_lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the chunker now (llama-index takes seconds to import, and a server is ready without it), and
        the writers' model (sentence-transformers, as long to import), run once: the first upload then neither
        loads it nor warms it."""
        self._chunker()
        self._embedder.embed(["warm-up"], urgent=False)

    def _chunker(self) -> Any:
        with self._splitter_lock:
            if self._splitter is None:
                from llama_index.core.node_parser import SentenceSplitter

                # Called directly: llama-index's IngestionPipeline around it gave the same chunks and took 0.85 s for
                # 200 articles against 0.43-0.58 s (it hashes each document for a cache a one-pass ingest never hits).
                splitter = SentenceSplitter(chunk_size=self._chunk_size, chunk_overlap=self._chunk_overlap)
                # A text longer than a chunk: its split imports nltk's sentence tokenizer (2 s here) now, not
                # in the first write.
                splitter.split_text("Warm-up. " * 2 * self._chunk_size)
                self._splitter = splitter
            return self._splitter

    def split(self, article: Article, digest: str, write_id: str = "") -> list[Chunk]:
        from llama_index.core import Document

        nodes = self._chunker().get_nodes_from_documents([Document(text=article.text, id_=article.doc_id)])
        chunks = []
        search_from = 0
        for index, node in enumerate(nodes):
            text = node.get_content()
            start = getattr(node, "start_char_idx", None)  # set on the TextNodes the splitter returns
            if start is None or article.text[start : start + len(text)] != text:
                start = article.text.find(text, search_from)
            if start < 0:
                raise RuntimeError(f"chunk {index} of {article.doc_id} not found in its text")
            search_from = start + 1
            chunks.append(
                Chunk(
                    chunk_id=f"{article.doc_id}:{write_id or digest[:12]}:{index}", doc_id=article.doc_id,
                    text=text, start=start, end=start + len(text), title=article.title, date=article.date,
                    source=article.source, content_hash=digest, write_id=write_id,
                )
            )  # fmt: skip
        return chunks

    def write(self, article: Article) -> WriteResult:
        """Add or replace one article; the document record is written last, as the commit."""
        planned = self._plan(article, self._store.records([article.doc_id]).get(article.doc_id))
        if isinstance(planned, WriteResult):
            return planned
        self._store_writes([planned])
        return _result(planned)

    def _plan(self, article: Article, existing: DocumentRecord | None) -> _Write | WriteResult:
        digest = content_hash(article)
        if existing and existing.content_hash == digest:
            return WriteResult(article.doc_id, "unchanged", existing.chunks, 0)
        write_id = new_write_id()
        chunks = self.split(article, digest, write_id)
        if len(chunks) > self._max_chunks:
            raise DocumentTooLargeError(
                f"{article.doc_id}: {len(chunks)} passages; one article may have {self._max_chunks} (split it up)"
            )
        record = DocumentRecord(
            article.doc_id, article.title, article.date, article.source, article.url,
            article.path, digest, len(chunks), article.text, write_id,
        )  # fmt: skip
        return _Write(record, chunks, replaces=existing is not None)

    def _store_writes(self, writes: list[_Write]) -> None:
        """Chunks of several documents embedded and stored together, then each record committed."""
        self._store_embedded(writes, self._embed(writes))

    def _embed(self, writes: list[_Write]) -> np.ndarray:
        return self._embedder.embed([chunk.text for w in writes for chunk in w.chunks], urgent=False)

    def _store_embedded(self, writes: list[_Write], vectors: np.ndarray, bulk: bool = False) -> None:
        self._ledger.begin([(w.record.write_id, w.record.doc_id) for w in writes])
        self._store.write_chunks([chunk for w in writes for chunk in w.chunks], vectors, bulk)
        self._store.put_documents([w.record for w in writes])
        with self._committing():
            self._ledger.committed([(w.record.write_id, w.record.doc_id) for w in writes])
            if self._on_commit:
                self._on_commit([(w.record, w.chunks) for w in writes])
        self._ledger.finish([w.record.write_id for w in writes])
        self._clean_up([w.record.doc_id for w in writes])

    def _clean_up(self, doc_ids: list[str]) -> None:
        """Delete these documents' chunks that no record points at, except those of writes in progress.

        The order of the reads matters. The chunks are read first: each was stored by a write that had begun
        (registered in the ledger) before that read. If such a write is no longer in progress when the ledger is
        read next, it has finished, so it had put its record; if the record read after that names another write,
        that write's put came later and the first one is superseded for good. A write that begins after the
        first read stores chunks this clean-up never saw, so it cannot delete them. A writer that lost a race
        deletes its own chunks this way, or the winner does, whichever cleans up last.
        """
        stored = self._store.chunk_versions(doc_ids)
        in_progress = self._writes_in_progress()
        current = {doc_id: record.version for doc_id, record in self._store.records(doc_ids).items()}
        self._store.delete_chunks(
            [cid for doc_id, cid, version in stored if version != current.get(doc_id) and version not in in_progress]
        )

    def _writes_in_progress(self, doc_id: str | None = None) -> set[str]:
        cutoff = time.time() - ABANDONED_AFTER_S
        return {write_id for write_id, (_doc, started) in self._ledger.pending(doc_id).items() if started >= cutoff}

    def delete(self, doc_id: str) -> None:
        """The record goes first; its chunks are then those no record points at, and `_clean_up` removes them
        with the same care for writes in progress as after a write."""
        self._store.delete_record(doc_id)
        self._clean_up([doc_id])
        with self._committing():
            self._ledger.committed([(f"delete-{new_write_id()}", doc_id)])
            if self._on_delete:
                self._on_delete(doc_id)

    def sweep_orphans(self) -> int:
        """Delete the chunks of abandoned writes (registered long ago, never finished): by age, not by scan."""
        cutoff = time.time() - ABANDONED_AFTER_S
        abandoned = {w: doc for w, (doc, started) in self._ledger.pending().items() if started < cutoff}
        self._clean_up(sorted(set(abandoned.values())))
        self._ledger.finish(sorted(abandoned))
        return len(abandoned)

    def ingest_paths(
        self, roots: Iterable[Path], prune: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Ingest files and folders; every file is read and checked before anything is written."""
        roots = list(roots)
        files = article_files(roots)
        report = IngestReport()
        self.sweep_orphans()
        queued: list[_Write] = []
        with _Flusher(self, report, progress) as flusher:
            for batch in _batches(files, 32):
                existing = self._store.records([doc_id for _path, doc_id in batch])
                for path, doc_id in batch:
                    planned = self._plan(load_file(path, doc_id), existing.get(doc_id))
                    if isinstance(planned, WriteResult):
                        _count(report, planned, progress)
                        continue
                    queued.append(planned)
                    if sum(len(w.chunks) for w in queued) >= (FLUSH_CHUNKS if flusher.flushed else FIRST_FLUSH_CHUNKS):
                        flusher.flush(queued)
                        queued = []
            flusher.flush(queued)
        if prune:
            report.removed = self.prune(roots, {doc_id for _path, doc_id in files})
        return report

    def prune(self, roots: Iterable[Path], seen: set[str]) -> int:
        """Remove documents that came from files under these roots that are gone now."""
        folders = [str(root.resolve()) for root in roots if root.is_dir()]
        removed = 0
        for record in self._store.documents():
            if record.doc_id in seen or not record.path:
                continue
            if any(record.path.startswith(folder + "/") for folder in folders) and not Path(record.path).exists():
                self.delete(record.doc_id)
                removed += 1
        return removed


class _Flusher:
    """Embeds each batch of writes on one thread and stores it on another, while the caller reads, cleans and
    chunks the next articles.

    The model releases the GIL while it computes, and a Chroma write spends about half its time waiting on the
    disk, so reading, embedding and storing overlap. At most two batches are queued behind the one being read;
    batches are embedded in order and stored in order, each one chunks first and records last, as without the
    threads.
    """

    def __init__(self, ingestor: Ingestor, report: IngestReport, progress: Progress | None) -> None:
        self._ingestor = ingestor
        self._report = report
        self._progress = progress
        self._embedding = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-embed")
        self._storing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-store")
        self._queued: deque[tuple[Future[None], list[_Write]]] = deque()
        self._failed = False  # a batch failed: the ones queued after it are not stored
        self.flushed = 0  # batches handed over so far

    def __enter__(self) -> _Flusher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            if exc_info[0] is None:
                self._wait(0)
        finally:
            self._embedding.shutdown(wait=True)
            self._storing.shutdown(wait=True)

    def flush(self, writes: list[_Write]) -> None:
        if not writes:
            return
        self._wait(1)
        self.flushed += 1
        vectors = self._embedding.submit(self._ingestor._embed, writes)
        stored = self._storing.submit(self._store, writes, vectors)
        self._queued.append((stored, writes))

    def _store(self, writes: list[_Write], vectors: Future[np.ndarray]) -> None:
        if self._failed:
            raise RuntimeError("not stored: an earlier batch of this ingest failed")
        try:
            self._ingestor._store_embedded(writes, vectors.result(), True)
        except BaseException:
            self._failed = True
            raise

    def _wait(self, keep: int) -> None:
        """Until at most `keep` batches are still queued, counting each stored one."""
        while len(self._queued) > keep:
            future, writes = self._queued.popleft()
            future.result()
            for w in writes:
                _count(self._report, _result(w), self._progress)


def _result(write: _Write) -> WriteResult:
    status = "updated" if write.replaces else "added"
    return WriteResult(write.record.doc_id, status, len(write.chunks), len(write.chunks))


def _count(report: IngestReport, result: WriteResult, progress: Progress | None) -> None:
    setattr(report, result.status, getattr(report, result.status) + 1)
    report.chunks_written += result.chunks_written
    if progress:
        progress(result.doc_id, result.chunks_written)


def _batches(items: list[tuple[Path, str]], size: int) -> Iterator[list[tuple[Path, str]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def article_files(roots: Iterable[Path]) -> list[tuple[Path, str]]:
    """(path, doc id) of every article under the roots, each checked readable as UTF-8 text."""
    files: list[tuple[Path, str]] = []
    for root in roots:
        if not root.exists():
            raise InvalidInputError(f"{root}: no such file or folder")
        base = root if root.is_dir() else root.parent
        for path in iter_article_files(root):
            check_suffix(path.name)
            try:
                decode_article_bytes(path.read_bytes(), str(path))
            except OSError as exc:
                raise UnsupportedDocumentError(f"{path}: cannot be read ({exc.strerror})") from None
            files.append((path, doc_id_for_path(path, base)))
    duplicates = sorted(doc_id for doc_id, n in Counter(doc_id for _path, doc_id in files).items() if n > 1)
    if duplicates:
        raise InvalidInputError(f"two files map to the same document id: {', '.join(duplicates)}; rename one")
    return files


def load_articles(roots: Iterable[Path]) -> list[Article]:
    """Every article under the roots, loaded and cleaned (for tools that need them all at once)."""
    return [load_file(path, doc_id) for path, doc_id in article_files(roots)]
