"""Chroma: an embedded PersistentClient, or a Chroma server over HTTP."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlparse

import chromadb
import httpx
import numpy as np

from rag.errors import RagError, StoreUnavailableError
from rag.models import Chunk, DocumentRecord

logger = logging.getLogger(__name__)
# Chroma holds the GIL through a write, so every thread of the process waits for the write in progress;
# a question that meets one write per step of its way (event loop, worker thread, store, index) waits for
# many. Chunks are therefore written in small batches, and before each one the writer waits until no
# question is in progress, or for _READERS_FIRST_S at most so that a steady stream of questions cannot
# starve it: a question then waits for at most the one batch it arrived during.
_BATCH = 32
_READERS_FIRST_S = 0.5
# Bulk ingest (`rag ingest`, or the corpus before the server is ready) answers no questions meanwhile, and
# writes bigger batches: a Chroma call costs about as much for 256 chunks as for 32 (870 vs 330 chunks/s).
_BULK_BATCH = 256
# The documents collection stores text and metadata; Chroma still wants a vector per record.
_PLACEHOLDER_VECTOR = [1.0]
_TEXT = "text"  # the metadata key of a chunk's text
_P = ParamSpec("_P")
_T = TypeVar("_T")
UNAVAILABLE = "the article store is not answering; retry in a few seconds"


def guarded(method: Callable[_P, _T]) -> Callable[_P, _T]:
    """Any failure of the store (refused, timed out, broken) becomes StoreUnavailableError."""

    @functools.wraps(method)
    def call(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return method(*args, **kwargs)
        except RagError:
            raise
        except Exception as exc:
            logger.warning("store call %s failed: %s: %s", method.__name__, type(exc).__name__, exc)
            raise StoreUnavailableError(UNAVAILABLE) from None

    return call


def connect(data_dir: Path, chroma_url: str | None, timeout_s: float | None = None) -> Any:
    if chroma_url:
        url = urlparse(chroma_url)
        if not url.hostname:
            raise StoreUnavailableError(f"RAG_CHROMA_URL={chroma_url!r} is not a URL like http://host:8000")
        try:
            client = chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https")
        except Exception as exc:
            raise StoreUnavailableError(f"cannot reach the Chroma server at {chroma_url}: {exc}") from None
        if timeout_s:
            _set_http_timeout(client, timeout_s)
        return client
    data_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(data_dir))


def _set_http_timeout(client: Any, timeout_s: float) -> None:
    # chromadb 1.5 builds its httpx session with timeout=None and offers no setting for it, so a paused
    # server would hold a worker thread forever; the session is reached through the client's server API.
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(timeout_s)
    else:
        logger.warning("cannot set a timeout on this chromadb client; store calls may hang")


class ChromaStore:
    """Two collections: passages with embeddings, and one record per document."""

    def __init__(self, client: Any, prefix: str = "articles") -> None:
        self._client = client
        self._readers = 0
        self._readers_changed = threading.Condition()
        self._open(prefix)

    @guarded
    def _open(self, prefix: str) -> None:
        client = self._client
        self._chunks = client.get_or_create_collection(
            f"{prefix}-chunks", embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        self._documents = client.get_or_create_collection(f"{prefix}-documents", embedding_function=None)

    def warm_vector_index(self) -> threading.Thread:
        """Load the vector index now, on a thread of its own: Chroma loads it on the first query (0.4-0.5 s
        at 100,000 chunks) and releases the GIL meanwhile, so it overlaps the embedding model's import."""
        thread = threading.Thread(target=self._warm_vector_index, name="warm-vector-index", daemon=True)
        thread.start()
        return thread

    def _warm_vector_index(self) -> None:
        try:
            stored = self._chunks.get(limit=1, include=["embeddings"])["embeddings"]
            if stored is not None and len(stored):
                self._chunks.query(query_embeddings=[list(stored[0])], n_results=1, include=["distances"])
        except Exception as exc:  # a warm-up only: the first question loads the index otherwise
            logger.info("the vector index was not warmed: %s: %s", type(exc).__name__, exc)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Marks a question in progress: bulk writes wait for it between their batches."""
        with self._readers_changed:
            self._readers += 1
        try:
            yield
        finally:
            with self._readers_changed:
                self._readers -= 1
                if not self._readers:
                    self._readers_changed.notify_all()

    def _after_readers(self) -> None:
        """Wait until no question is in progress (at most _READERS_FIRST_S); the wait holds no GIL."""
        with self._readers_changed:
            self._readers_changed.wait_for(lambda: not self._readers, timeout=_READERS_FIRST_S)

    @property
    def client(self) -> Any:
        return self._client

    def ping(self) -> bool:
        try:
            self._client.heartbeat()
            return True
        except Exception:
            return False

    @guarded
    def documents(self, limit: int | None = None, offset: int = 0) -> list[DocumentRecord]:
        """Document records without their text; one page of them when `limit` is given."""
        result = self._documents.get(include=["metadatas"], limit=limit, offset=offset or None)
        records = [_record(doc_id, meta) for doc_id, meta in zip(result["ids"], result["metadatas"], strict=True)]
        return sorted(records, key=lambda r: r.doc_id)

    @guarded
    def document(self, doc_id: str, with_text: bool = True) -> DocumentRecord | None:
        include = ["metadatas", "documents"] if with_text else ["metadatas"]
        result = self._documents.get(ids=[doc_id], include=include)
        if not result["ids"]:
            return None
        text = result["documents"][0] if with_text else ""
        return _record(doc_id, result["metadatas"][0], text)

    @guarded
    def records(self, doc_ids: Sequence[str]) -> dict[str, DocumentRecord]:
        """The records of these documents that exist, without their text."""
        if not doc_ids:
            return {}
        result = self._documents.get(ids=list(doc_ids), include=["metadatas"])
        return {doc_id: _record(doc_id, meta) for doc_id, meta in zip(result["ids"], result["metadatas"], strict=True)}

    def put_document(self, record: DocumentRecord) -> None:
        self.put_documents([record])

    @guarded
    def put_documents(self, records: Sequence[DocumentRecord]) -> None:
        """The commit of each record's write: its chunks are stored before this."""
        if records:
            self._after_readers()
            self._documents.upsert(
                ids=[r.doc_id for r in records],
                embeddings=[_PLACEHOLDER_VECTOR] * len(records),
                documents=[r.text for r in records],
                metadatas=[_clean_meta(_record_meta(r)) for r in records],
            )

    @guarded
    def delete_record(self, doc_id: str) -> None:
        """Delete the document's record; its chunks are left to the caller's clean-up."""
        self._documents.delete(ids=[doc_id])

    @guarded
    def write_chunks(self, chunks: Sequence[Chunk], embeddings: np.ndarray, bulk: bool = False) -> None:
        size = _BULK_BATCH if bulk else _BATCH
        for start in range(0, len(chunks), size):
            end = start + size
            batch = chunks[start:end]
            self._after_readers()
            # The text goes in the metadata, not in Chroma's documents: an embedded Chroma builds a trigram
            # full-text index over documents (its Schema cannot turn that off locally) that we never query, and
            # that index was half the cost of a write (2.1 s against 1.0 s for 1,500 chunks).
            self._chunks.upsert(
                ids=[c.chunk_id for c in batch],
                embeddings=embeddings[start:end].tolist(),
                metadatas=[{**_chunk_meta(c), _TEXT: c.text} for c in batch],
            )

    @guarded
    def chunk_ids(self, doc_id: str | None = None) -> list[tuple[str, str]]:
        """(chunk id, content hash) pairs, for one document or all."""
        where = {"doc_id": doc_id} if doc_id else None
        result = self._chunks.get(where=where, include=["metadatas"])
        return [(cid, str(meta["content_hash"])) for cid, meta in zip(result["ids"], result["metadatas"], strict=True)]

    @guarded
    def chunk_versions(self, doc_ids: Sequence[str]) -> list[tuple[str, str, str]]:
        """(doc id, chunk id, version) of these documents' chunks: the version is the write that stored it."""
        if not doc_ids:
            return []
        result = self._chunks.get(where={"doc_id": {"$in": list(doc_ids)}}, include=["metadatas"])
        return [
            (str(meta["doc_id"]), cid, _version(meta))
            for cid, meta in zip(result["ids"], result["metadatas"], strict=True)
        ]

    @guarded
    def committed_chunks(self, record: DocumentRecord) -> list[Chunk]:
        """The chunks the record points at, in text order."""
        key = {"write_id": record.write_id} if record.write_id else {"content_hash": record.content_hash}
        result = self._chunks.get(where={"$and": [{"doc_id": record.doc_id}, key]}, include=["metadatas", "documents"])
        chunks = [
            _chunk(cid, text, meta)
            for cid, text, meta in zip(result["ids"], result["documents"], result["metadatas"], strict=True)
        ]
        return sorted(chunks, key=lambda c: c.start)

    @guarded
    def chunk_page(self, offset: int, limit: int) -> list[Chunk]:
        """One page of all stored chunks (start-up rebuilds of a local index, never per request)."""
        result = self._chunks.get(include=["metadatas", "documents"], limit=limit, offset=offset or None)
        return [
            _chunk(cid, text, meta)
            for cid, text, meta in zip(result["ids"], result["documents"], result["metadatas"], strict=True)
        ]

    @guarded
    def delete_chunks(self, ids: list[str]) -> None:
        for start in range(0, len(ids), _BATCH):
            self._after_readers()
            self._chunks.delete(ids=ids[start : start + _BATCH])

    @guarded
    def all_chunks(self) -> list[Chunk]:
        result = self._chunks.get(include=["metadatas", "documents"])
        return [
            _chunk(cid, text, meta)
            for cid, text, meta in zip(result["ids"], result["documents"], result["metadatas"], strict=True)
        ]

    @guarded
    def count_chunks(self) -> int:
        return int(self._chunks.count())

    @guarded
    def count_documents(self) -> int:
        return int(self._documents.count())

    @guarded
    def query(self, embedding: np.ndarray, n_results: int) -> list[tuple[str, float]]:
        """Ids of the nearest chunks with their cosine similarity (fewer when the store holds fewer).

        Ids and distances only: the nearest-neighbour search is milliseconds at 100,000 chunks, while
        reading the hits' texts and metadata back from Chroma took 140-400 ms; the caller reads them from its
        local index, which holds the committed chunks anyway."""
        # No count() first: Chroma returns what it has, and a count is one more call per question.
        result = self._chunks.query(query_embeddings=[embedding.tolist()], n_results=n_results, include=["distances"])
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(result["ids"][0], result["distances"][0], strict=True)]


def _clean_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata holds no None values."""
    return {key: value for key, value in meta.items() if value is not None}


def _record_meta(record: DocumentRecord) -> dict[str, Any]:
    return {
        "title": record.title,
        "date": record.date,
        "source": record.source,
        "url": record.url,
        "path": record.path,
        "content_hash": record.content_hash,
        "chunks": record.chunks,
        "write_id": record.write_id or None,
    }


def _record(doc_id: str, meta: Any, text: str = "") -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id,
        title=str(meta.get("title", doc_id)),
        date=meta.get("date"),
        source=meta.get("source"),
        url=meta.get("url"),
        path=meta.get("path"),
        content_hash=str(meta.get("content_hash", "")),
        chunks=int(meta.get("chunks", 0)),
        text=text or "",
        write_id=str(meta.get("write_id", "")),
    )


def _chunk_meta(chunk: Chunk) -> dict[str, Any]:
    return _clean_meta(
        {
            "doc_id": chunk.doc_id,
            "start": chunk.start,
            "end": chunk.end,
            "title": chunk.title,
            "date": chunk.date,
            "source": chunk.source,
            "content_hash": chunk.content_hash,
            "write_id": chunk.write_id or None,
        }
    )


def _version(meta: Any) -> str:
    return str(meta.get("write_id") or meta.get("content_hash", ""))


def _chunk(chunk_id: str, document: Any, meta: Any) -> Chunk:
    """A stored chunk; its text is in the metadata, or in the document where an older version stored it."""
    return Chunk(
        chunk_id=chunk_id,
        doc_id=str(meta["doc_id"]),
        text=str(meta.get(_TEXT, document)),
        start=int(meta["start"]),
        end=int(meta["end"]),
        title=str(meta.get("title", "")),
        date=meta.get("date"),
        source=meta.get("source"),
        content_hash=str(meta.get("content_hash", "")),
        write_id=str(meta.get("write_id", "")),
    )
