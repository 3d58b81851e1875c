"""The lexical index: SQLite FTS5 with bm25(), plus document frequencies and the vocabulary.

Updated per document (one transaction per document, or per batch of an ingest), persisted in one file,
never rebuilt per request.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rapidfuzz import fuzz, process

from rag.models import Chunk
from rag.text import content_terms

# Words in many inflections: when content_terms() changes (another stemmer), its output here changes.
_ANALYSER_PROBE = (
    "The ministers visited Ravena twice; visits, visiting and visitor's invitations were announced, "
    "agreements signed by twenty-four countries' leaders, and the universities studied it."
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents(doc_id TEXT PRIMARY KEY, version TEXT NOT NULL, chunks INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS chunks(
    id INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE NOT NULL, doc_id TEXT NOT NULL, text TEXT NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, title TEXT NOT NULL, date TEXT, source TEXT,
    content_hash TEXT NOT NULL, write_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_terms USING fts5(terms, tokenize="unicode61 tokenchars '-'''");
CREATE TABLE IF NOT EXISTS terms(term TEXT PRIMARY KEY, df INTEGER NOT NULL, head TEXT NOT NULL,
    size INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS terms_by_shape ON terms(head, size);
CREATE TABLE IF NOT EXISTS totals(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO totals VALUES ('documents', 0), ('chunks', 0);
"""
_CHUNK_COLUMNS = "chunk_id, doc_id, text, start, end, title, date, source, content_hash, write_id"


def analyser_version() -> str:
    """A fingerprint of what content_terms() does now; a stored index with another one is rebuilt."""
    return hashlib.sha256(" ".join(content_terms(_ANALYSER_PROBE)).encode()).hexdigest()[:16]


_ALL_TERMS_BELOW_CHUNKS = 1_000  # below this many chunks every term is searched (see _weighted_terms)


class LexicalIndex:
    """BM25 over committed chunks and their term statistics, kept in one SQLite file.

    One writer at a time (a lock); readers use their own connection per thread (WAL), so a write
    never blocks a question.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._writer = self._connect()
        self._writer.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    def _reader(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
        return connection

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock:
            self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                self._writer.execute("ROLLBACK")
                raise
            self._writer.execute("COMMIT")

    # --- metadata kept beside the index: analyser version, the change cursor ---

    def meta(self, key: str) -> str | None:
        row = self._reader().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # --- writes: one document at a time ---

    def replace_document(self, doc_id: str, version: str, chunks: list[Chunk]) -> None:
        """Make the index hold exactly these chunks for the document (its committed version)."""
        self.replace_documents([(doc_id, version, chunks)])

    def replace_documents(self, documents: list[tuple[str, str, list[Chunk]]]) -> None:
        """`replace_document` for several documents in one transaction (a batch of ingest commits)."""
        with self._transaction() as db:
            counts: Counter[str] = Counter()
            seen: set[str] = set()
            for doc_id, version, chunks in documents:
                if doc_id in seen:  # its removal must meet the counts its first copy added
                    _add_term_counts(db, counts)
                    counts.clear()
                seen.add(doc_id)
                _remove(db, doc_id)
                for chunk in chunks:
                    cursor = db.execute(
                        f"INSERT INTO chunks({_CHUNK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (chunk.chunk_id, chunk.doc_id, chunk.text, chunk.start, chunk.end, chunk.title,
                         chunk.date, chunk.source, chunk.content_hash, chunk.write_id),
                    )  # fmt: skip
                    terms = content_terms(chunk.text)
                    db.execute(
                        "INSERT INTO chunk_terms(rowid, terms) VALUES (?, ?)", (cursor.lastrowid, " ".join(terms))
                    )
                    counts.update(set(terms))
                db.execute(
                    "INSERT INTO documents(doc_id, version, chunks) VALUES (?, ?, ?)", (doc_id, version, len(chunks))
                )
                _add_totals(db, 1, len(chunks))
            _add_term_counts(db, counts)

    def remove_document(self, doc_id: str) -> None:
        with self._transaction() as db:
            _remove(db, doc_id)

    def clear(self) -> None:
        with self._transaction() as db:
            for table in ("documents", "chunks", "chunk_terms", "terms"):
                db.execute(f"DELETE FROM {table}")
            db.execute("UPDATE totals SET value = 0")

    # --- reads ---

    def versions(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """The committed version of each of these documents that the index holds."""
        rows = self._rows_with("SELECT doc_id, version FROM documents WHERE doc_id", doc_ids)
        return {str(doc_id): str(version) for doc_id, version in rows}

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        """The committed chunks among these ids (the index holds no other)."""
        rows = self._rows_with(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE chunk_id", chunk_ids)
        return {chunk.chunk_id: chunk for chunk in map(_chunk, rows)}

    def _rows_with(self, select_where: str, keys: Iterable[str]) -> list[tuple[object, ...]]:
        """The rows of `<select_where> IN (keys)`, each key once."""
        ids = list(set(keys))
        if not ids:
            return []
        return self._reader().execute(f"{select_where} IN ({','.join('?' * len(ids))})", ids).fetchall()

    def search(self, terms: list[str], limit: int) -> list[tuple[Chunk, float]]:
        """Chunks ranked by BM25 over any of the terms, best first, with positive scores."""
        wanted = self._weighted_terms(list(dict.fromkeys(terms)))
        if not wanted:
            return []
        query = " OR ".join(f'"{term}"' for term in wanted)
        # Rank in FTS5 first and read only the best rows' columns.
        rows = self._reader().execute(
            f"SELECT {_CHUNK_COLUMNS}, score FROM (SELECT rowid AS hit, rank AS score FROM chunk_terms"
            " WHERE chunk_terms MATCH ? ORDER BY rank LIMIT ?) JOIN chunks ON chunks.id = hit ORDER BY score",
            (query, limit),
        )
        return [(_chunk(row), -float(row[-1])) for row in rows]

    def _weighted_terms(self, terms: list[str]) -> list[str]:
        """The terms BM25 gives weight to: held by some chunk, and by fewer than half of them.

        FTS5's bm25() clamps the idf of a term in half the chunks or more to 1e-6, so such a term never
        changes the order of chunks that match another term, yet matching it makes FTS5 score nearly every
        chunk (the cost of a search grows with the corpus). They are searched only when no other term is,
        and only in a corpus large enough for that cost to matter: in a small one, leaving them out would drop
        the chunks that hold only them from the results, and scoring every chunk is cheap there.
        """
        if not terms:
            return []
        marks = ",".join("?" * len(terms))
        held = dict(self._reader().execute(f"SELECT term, df FROM terms WHERE term IN ({marks})", terms).fetchall())
        total = self.chunk_count()
        present = [term for term in terms if held.get(term, 0) > 0]
        if total < _ALL_TERMS_BELOW_CHUNKS:
            return present
        weighted = [term for term in present if 2 * held[term] < total]
        return weighted or present

    def document_ids(self) -> set[str]:
        return {str(row[0]) for row in self._reader().execute("SELECT doc_id FROM documents")}

    def snapshot(self) -> tuple[list[Chunk], dict[str, int]]:
        """Every chunk and every term's frequency (tests and tools: it reads the whole index)."""
        chunks = [_chunk(row) for row in self._reader().execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks")]
        return chunks, {str(t): int(df) for t, df in self._reader().execute("SELECT term, df FROM terms")}

    def chunk_count(self) -> int:
        return int(self._reader().execute("SELECT value FROM totals WHERE name = 'chunks'").fetchone()[0])

    def document_count(self) -> int:
        return int(self._reader().execute("SELECT value FROM totals WHERE name = 'documents'").fetchone()[0])

    def chunks_containing(self, term: str) -> int:
        row = self._reader().execute("SELECT df FROM terms WHERE term = ?", (term,)).fetchone()
        return 0 if row is None else int(row[0])

    def document_terms(self, doc_id: str, terms: Iterable[str]) -> set[str]:
        """Which of the terms some chunk of the document holds (reads that document's chunks only)."""
        wanted = set(terms)
        held: set[str] = set()
        rows = self._reader().execute(
            "SELECT chunk_terms.terms FROM chunks JOIN chunk_terms ON chunk_terms.rowid = chunks.id"
            " WHERE chunks.doc_id = ?",
            (doc_id,),
        )
        for (text,) in rows:
            held.update(wanted.intersection(str(text).split()))
        return held

    def similar_terms(self, term: str, limit: int = 5) -> list[str]:
        """Terms of the same first letter and nearly the same length, ranked by edit similarity."""
        if not term:
            return []
        rows = self._reader().execute(
            "SELECT term FROM terms WHERE head = ? AND size BETWEEN ? AND ?", (term[0], len(term) - 2, len(term) + 2)
        )
        candidates = [str(row[0]) for row in rows]
        found = process.extract(term, candidates, scorer=fuzz.ratio, limit=limit, score_cutoff=60)
        return [candidate for candidate, _score, _i in found]


def _add_totals(db: sqlite3.Connection, documents: int, chunks: int) -> None:
    db.execute("UPDATE totals SET value = value + ? WHERE name = 'documents'", (documents,))
    db.execute("UPDATE totals SET value = value + ? WHERE name = 'chunks'", (chunks,))


def _remove(db: sqlite3.Connection, doc_id: str) -> None:
    held = db.execute("SELECT chunks FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    if held is not None:
        _add_totals(db, -1, -int(held[0]))
    rows = db.execute("SELECT id, text FROM chunks WHERE doc_id = ?", (doc_id,)).fetchall()
    for rowid, text in rows:
        _remove_term_counts(db, set(content_terms(text)))
        db.execute("DELETE FROM chunk_terms WHERE rowid = ?", (rowid,))
    db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
    db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))


def _remove_term_counts(db: sqlite3.Connection, terms: set[str]) -> None:
    """Each term's document frequency goes down by one (a removed chunk held it); a term no chunk holds goes."""
    db.executemany("UPDATE terms SET df = df - 1 WHERE term = ?", [(term,) for term in terms])
    db.executemany("DELETE FROM terms WHERE term = ? AND df <= 0", [(term,) for term in terms])


def _add_term_counts(db: sqlite3.Connection, counts: Counter[str]) -> None:
    """Each term's document frequency goes up by the number of new chunks holding it."""
    db.executemany(
        "INSERT INTO terms(term, df, head, size) VALUES (?, ?, ?, ?) ON CONFLICT(term) DO UPDATE SET df = df + ?",
        [(term, n, term[0], len(term), n) for term, n in counts.items()],
    )


def _chunk(row: tuple[object, ...]) -> Chunk:
    chunk_id, doc_id, text, start, end, title, date, source, content_hash, write_id = row[:10]
    return Chunk(
        chunk_id=str(chunk_id), doc_id=str(doc_id), text=str(text), start=int(start), end=int(end),  # type: ignore[call-overload]
        title=str(title), date=date, source=source, content_hash=str(content_hash), write_id=str(write_id),  # type: ignore[arg-type]
    )  # fmt: skip
