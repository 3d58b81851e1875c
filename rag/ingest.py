"""Chunking with llama-index, embedding, and idempotent writes to the store."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from llama_index.core import Document
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.node_parser import SentenceSplitter

from rag.documents import doc_id_for_path, iter_article_files, load_file
from rag.embedding import Embedder
from rag.errors import DocumentTooLargeError, InvalidInputError
from rag.models import Article, Chunk, DocumentRecord, IngestReport
from rag.store import ChromaStore

logger = logging.getLogger(__name__)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class WriteResult:
    doc_id: str
    status: str  # "added" | "updated" | "unchanged"
    chunks: int
    chunks_written: int


def content_hash(article: Article) -> str:
    """Covers everything a chunk carries, so a changed title or date rewrites the chunks too."""
    parts = (article.text, article.title, article.date or "", article.source or "", article.url or "")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class Ingestor:
    def __init__(
        self, store: ChromaStore, embedder: Embedder, chunk_size: int, chunk_overlap: int, max_chunks: int = 2_000
    ) -> None:
        self._store = store
        self._max_chunks = max_chunks
        self._embedder = embedder
        self._pipeline = IngestionPipeline(
            transformations=[SentenceSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)]
        )

    def split(self, article: Article, digest: str) -> list[Chunk]:
        nodes = self._pipeline.run(documents=[Document(text=article.text, id_=article.doc_id)])
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
                    chunk_id=f"{article.doc_id}:{digest[:12]}:{index}",
                    doc_id=article.doc_id,
                    text=text,
                    start=start,
                    end=start + len(text),
                    title=article.title,
                    date=article.date,
                    source=article.source,
                    content_hash=digest,
                )
            )
        return chunks

    def write(self, article: Article) -> WriteResult:
        """Add or replace one article; the document record is written last, as the commit."""
        digest = content_hash(article)
        existing = self._store.document(article.doc_id, with_text=False)
        stored = self._store.chunk_ids(article.doc_id)
        current = [cid for cid, chash in stored if chash == digest]
        if existing and existing.content_hash == digest and len(current) == existing.chunks:
            return WriteResult(article.doc_id, "unchanged", existing.chunks, 0)
        chunks = self.split(article, digest)
        if len(chunks) > self._max_chunks:
            raise DocumentTooLargeError(
                f"{article.doc_id}: {len(chunks)} passages; one article may have {self._max_chunks} (split it up)"
            )
        self._store.write_chunks(chunks, self._embedder.embed([c.text for c in chunks]))
        record = DocumentRecord(
            article.doc_id, article.title, article.date, article.source, article.url,
            article.path, digest, len(chunks), article.text,
        )  # fmt: skip
        self._store.put_document(record)
        self._store.delete_chunks([cid for cid, chash in stored if chash != digest])
        status = "updated" if existing else "added"
        return WriteResult(article.doc_id, status, len(chunks), len(chunks))

    def sweep_orphans(self) -> int:
        """Delete chunks no committed document record points at (left by an interrupted ingest)."""
        committed = {r.doc_id: r.content_hash for r in self._store.documents()}
        orphans = [cid for cid, chash in self._store.chunk_ids() if committed.get(cid.split(":", 1)[0]) != chash]
        self._store.delete_chunks(orphans)
        return len(orphans)

    def ingest_paths(
        self, roots: Iterable[Path], prune: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Ingest files and folders; every file is read and checked before anything is written."""
        articles = load_articles(roots)
        report = IngestReport()
        self.sweep_orphans()
        for article in articles:
            result = self.write(article)
            setattr(report, result.status, getattr(report, result.status) + 1)
            report.chunks_written += result.chunks_written
            if progress:
                progress(article.doc_id)
        if prune:
            report.removed = self.prune(roots, {a.doc_id for a in articles})
        return report

    def prune(self, roots: Iterable[Path], seen: set[str]) -> int:
        """Remove documents that came from files under these roots that are gone now."""
        folders = [str(root.resolve()) for root in roots if root.is_dir()]
        removed = 0
        for record in self._store.documents():
            if record.doc_id in seen or not record.path:
                continue
            if any(record.path.startswith(folder + "/") for folder in folders) and not Path(record.path).exists():
                self._store.delete_document(record.doc_id)
                removed += 1
        return removed


def load_articles(roots: Iterable[Path]) -> list[Article]:
    articles: list[Article] = []
    for root in roots:
        if not root.exists():
            raise InvalidInputError(f"{root}: no such file or folder")
        base = root if root.is_dir() else root.parent
        for path in iter_article_files(root):
            articles.append(load_file(path, doc_id_for_path(path, base)))
    ids = [a.doc_id for a in articles]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InvalidInputError(f"two files map to the same document id: {', '.join(duplicates)}; rename one")
    return articles
