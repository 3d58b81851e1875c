"""Pipeline: the one object the CLI, the API and the eval share."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator, Iterable
from dataclasses import replace
from pathlib import Path

from rag.answerer import ExtractiveAnswerer
from rag.answerer.question import Question
from rag.answerer.reader import Reading
from rag.answerer.scoring import Scorer
from rag.config import Settings
from rag.documents import check_suffix, decode_article_bytes, parse_article, upload_id
from rag.embedding import CachedEmbedder, Embedder, SentenceTransformerEmbedder
from rag.errors import DocumentConflictError, DocumentNotFoundError, InvalidInputError
from rag.index import CorpusStats
from rag.index.follower import IndexFollower
from rag.index.lexical import LexicalIndex
from rag.ingest import Ingestor, WriteResult, content_hash
from rag.ledger import WriteLedger
from rag.llm import ChatTurn, Final, LLMAnswerer, LLMClient, Token
from rag.llm.answerer import Verdict
from rag.models import Answer, Article, DocumentRecord, IngestReport, Passage
from rag.retrieval import HybridRetriever, RetrieverMode
from rag.store import ChromaStore, connect

logger = logging.getLogger(__name__)
MAX_TOP_K = 20
ANSWERERS = ("extractive", "llm")


class Pipeline:
    def __init__(
        self, settings: Settings, embedder: Embedder | None = None, store: ChromaStore | None = None,
        *, encoder_process: bool = False,
    ) -> None:  # fmt: skip
        """`encoder_process`: writes embed in a process of their own (bulk ingests; see rag/encoder_process.py)."""
        self.settings = settings
        self._llm = _llm_answerer(settings)  # first: a bad LLM setting fails before the model loads
        # The store next: an unreachable one fails before the model loads, and its vector index loads while
        # the model's libraries are imported.
        self.store = store or ChromaStore(
            connect(settings.data_dir, settings.chroma_url, settings.store_timeout_s), settings.collection
        )
        self.store.warm_vector_index()
        self._own_embedder = embedder is None
        self.embedder = embedder or SentenceTransformerEmbedder(
            settings.model_dir, settings.embed_dtype, encoder_process=encoder_process
        )
        ledger = WriteLedger(self.store.client, settings.collection, keep_s=settings.change_log_keep_h * 3600)
        # This replica's lexical index follows the shared store's change log; loaded, not rebuilt, at start.
        self.index = LexicalIndex(settings.index_path)
        self._follower = IndexFollower(self.store, ledger, self.index, _store_key(settings))
        self._follower.start()
        self._ingestor = Ingestor(
            self.store, self.embedder, settings.chunk_size, settings.chunk_overlap, ledger,
            on_commit=self._follower.commit_all, on_delete=self.index.remove_document,
            max_chunks=settings.max_document_chunks, committing=self._follower.committing,
        )  # fmt: skip
        # Questions and evidence sentences share one bounded cache: the retriever embeds the question,
        # the answerer finds it there beside the sentences it saw before. Ingest embeds chunks uncached.
        self._text_vectors = CachedEmbedder(self.embedder)
        self._retriever = HybridRetriever(self.store, self._text_vectors, self.index, self._follower)
        self._answerer = ExtractiveAnswerer(self._text_vectors)
        # One writer at a time; readers never wait on it because every write commits last.
        self._write_lock = threading.Lock()

    def ingest(
        self, paths: Iterable[Path], prune: bool = False, progress: Callable[[str, int], None] | None = None
    ) -> IngestReport:
        with self._write_lock:
            return self._ingestor.ingest_paths(list(paths), prune=prune, progress=progress)

    def add_document(
        self, raw: bytes, filename: str | None = None, *, title: str | None = None, date: str | None = None,
        source: str | None = None, url: str | None = None, doc_id: str | None = None, replace: bool = False,
    ) -> WriteResult:  # fmt: skip
        """Add one article from an upload or a JSON body; an existing id is replaced only when asked."""
        name = filename or "article.txt"
        suffix = check_suffix(name)
        text = decode_article_bytes(raw, name)
        doc_id = doc_id or upload_id(filename, title, url)
        article = parse_article(text, doc_id, suffix, title=title, date=date, source=source, url=url)
        with self._write_lock:
            if not replace:
                self._refuse_overwrite(article)
            return self._ingestor.write(article)

    def _refuse_overwrite(self, article: Article) -> None:
        existing = self.store.document(article.doc_id, with_text=False)
        if existing is not None and existing.content_hash != content_hash(article):
            raise DocumentConflictError(
                f"a different document with id {article.doc_id!r} exists ({existing.title!r}); "
                "send replace=true to replace it, or upload it under another name"
            )

    def delete(self, doc_id: str) -> None:
        with self._write_lock:
            if self.store.document(doc_id, with_text=False) is None:
                raise DocumentNotFoundError(f"no document with id {doc_id!r}; `rag documents` lists them")
            self._ingestor.delete(doc_id)

    def documents(self, limit: int | None = None, offset: int = 0) -> list[DocumentRecord]:
        """Document records (without text), one page of them when `limit` is given."""
        return self.store.documents(limit, offset)

    def document(self, doc_id: str) -> DocumentRecord:
        record = self.store.document(doc_id)
        if record is None:
            raise DocumentNotFoundError(f"no document with id {doc_id!r}")
        return record

    def retrieve(self, query: str, top_k: int | None = None, mode: RetrieverMode = "hybrid") -> list[Passage]:
        return self._retriever.retrieve(query, self._check_top_k(top_k), mode)

    def ask(
        self, question: str, top_k: int | None = None, mode: RetrieverMode = "hybrid",
        history: list[str] | None = None, answerer: str | None = None, turns: list[ChatTurn] | None = None,
    ) -> Answer:  # fmt: skip
        with self.store.reading():  # the store's writers pause between batches while questions run
            return self.ask_with_passages(question, top_k, mode, history, answerer, turns)[0]

    def ask_with_passages(
        self, question: str, top_k: int | None = None, mode: RetrieverMode = "hybrid",
        history: list[str] | None = None, answerer: str | None = None, turns: list[ChatTurn] | None = None,
    ) -> tuple[Answer, list[Passage]]:  # fmt: skip
        """The answer and every passage the answerer was given (the eval scores retrieval on them)."""
        chosen = self.check_answerer(answerer)
        extractive, passages = self._ask_extractive(question, top_k, mode, history)
        if self._llm is None or chosen == "extractive":
            return extractive, passages
        started = time.perf_counter()
        verdict = self._llm.answer(extractive.question, passages[: self.settings.llm_passages], turns)
        return _settle(verdict, extractive, started), passages

    def ask_stream(
        self, question: str, top_k: int | None = None, history: list[str] | None = None,
        answerer: str | None = None, turns: list[ChatTurn] | None = None,
    ) -> Generator[Token | Final, None, None]:  # fmt: skip
        """The LLM's pieces as they arrive, then the answer to show (the extractive one alone for it)."""
        chosen = self.check_answerer(answerer)
        extractive, passages = self._ask_extractive(question, top_k, "hybrid", history)
        if self._llm is None or chosen == "extractive":
            yield Final(extractive, replaces_tokens=False)
            return
        started, streamed = time.perf_counter(), False
        for item in self._llm.stream(extractive.question, passages[: self.settings.llm_passages], turns):
            if isinstance(item, str):
                streamed = True
                yield Token(item)
            else:
                answer = _settle(item, extractive, started)
                yield Final(answer, replaces_tokens=streamed and answer.answerer != "llm")

    def _ask_extractive(
        self, question: str, top_k: int | None, mode: RetrieverMode, history: list[str] | None
    ) -> tuple[Answer, list[Passage]]:
        question = self.check_question(question)
        started = time.perf_counter()
        stats, analysed, passages = self._analyse_and_retrieve(question, top_k, mode, history)
        retrieved = time.perf_counter()
        draft = self._answerer.answer(analysed, passages, stats)
        done = time.perf_counter()
        timings = {
            "retrieve": round((retrieved - started) * 1000, 2),
            "answer": round((done - retrieved) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        }
        return Answer(question, draft.answer, draft.answered, draft.citations, timings), passages

    def read(self, question: str, top_k: int | None = None, mode: RetrieverMode = "hybrid") -> Reading:
        """What the reader sees for a question: evidence, candidates and their features (for fitting)."""
        stats, analysed, passages = self._analyse_and_retrieve(self.check_question(question), top_k, mode, None)
        return self._answerer.read(analysed, passages, stats)

    def _analyse_and_retrieve(
        self, question: str, top_k: int | None, mode: RetrieverMode, history: list[str] | None
    ) -> tuple[CorpusStats, Question, list[Passage]]:
        stats = self._retriever.stats()
        analysed = self._answerer.analyse(question, stats, history)
        return stats, analysed, self._retriever.retrieve(analysed.retrieval_text, self._check_top_k(top_k), mode)

    @property
    def scorer(self) -> Scorer:
        return self._answerer.scorer

    @scorer.setter
    def scorer(self, scorer: Scorer) -> None:
        self._answerer.scorer = scorer

    def check_request(self, question: str, top_k: int | None, answerer: str | None) -> None:
        """Every check a question must pass, before a stream opens."""
        self.check_question(question)
        self._check_top_k(top_k)
        self.check_answerer(answerer)

    def check_answerer(self, answerer: str | None) -> str:
        return check_answerer(answerer, self.settings)

    def llm_state(self) -> dict[str, str | None]:
        """The default answerer and the LLM server's state; never raises."""
        if self._llm is None:
            return {"answerer": self.settings.answerer, "llm": "not configured", "llm_url": None}
        return {"answerer": self.settings.answerer, "llm": self._llm.client.ping(), "llm_url": self.settings.llm_url}

    def forget_cached_vectors(self) -> None:
        """Start cold: question and sentence vectors are computed again as questions need them."""
        self._text_vectors.clear()
        self._answerer.forget()

    def check_question(self, question: str) -> str:
        return check_question(question, self.settings.max_question_chars)

    def _check_top_k(self, top_k: int | None) -> int:
        if top_k is None:
            return self.settings.top_k
        if not 1 <= top_k <= MAX_TOP_K:
            raise InvalidInputError(f"top_k must be between 1 and {MAX_TOP_K}, got {top_k}")
        return top_k

    def ready(self) -> bool:
        return self.store.ping()

    def close(self) -> None:
        """Stop the encoder process of an embedder this pipeline made (one passed in is its owner's to close)."""
        if self._own_embedder and isinstance(self.embedder, SentenceTransformerEmbedder):
            self.embedder.close()

    def warm_up(self) -> None:
        """Load what the first question and the first write would load (language models, the chunker, the
        writers' model), questions first: an /ask sent just after ready waits for what it needs, not for
        sentence-transformers' import, which only writes need."""
        self.ask("warm-up", answerer="extractive")
        self.warm_up_writes()

    def warm_up_writes(self) -> None:
        """Load the chunker and the writers' model now, so a write's first batch pays for neither."""
        self._ingestor.warm_up()

    def counts(self) -> tuple[int, int]:
        """(documents, chunks) committed, from this replica's index: no scan of the store."""
        self._retriever.stats()
        return self.index.document_count(), self.index.chunk_count()


def check_answerer(answerer: str | None, settings: Settings) -> str:
    """The answerer to use, or an error a person can act on (checked before anything is opened)."""
    chosen = answerer or settings.answerer
    if chosen not in ANSWERERS:
        raise InvalidInputError(f"answerer must be one of {', '.join(ANSWERERS)}, got {chosen!r}")
    if chosen == "llm" and settings.llm_url is None:
        raise InvalidInputError("the llm answerer needs an LLM server: set RAG_LLM_URL (OpenAI-compatible)")
    return chosen


def check_question(question: str, limit: int) -> str:
    """The question stripped, or an error a person can act on."""
    question = (question or "").strip()
    if not question:
        raise InvalidInputError("the question is empty; ask something like 'How many people were rescued?'")
    if len(question) > limit:
        raise InvalidInputError(f"the question is {len(question)} characters long; the limit is {limit}")
    return question


def _store_key(settings: Settings) -> str:
    """Which store the local index mirrors: another one means a rebuild at start."""
    where = settings.chroma_url or str(settings.data_dir.resolve())
    return f"{where}#{settings.collection}"


def _llm_answerer(settings: Settings) -> LLMAnswerer | None:
    if settings.llm_url is None:
        if settings.answerer == "llm":
            raise InvalidInputError("RAG_ANSWERER=llm needs RAG_LLM_URL, the base URL of an OpenAI-compatible server")
        return None
    client = LLMClient(
        settings.llm_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout_s, settings.llm_max_tokens
    )
    return LLMAnswerer(client)


def _settle(verdict: Verdict, extractive: Answer, started: float) -> Answer:
    """The LLM's verified answer, or the extractive one with the reason it stood in."""
    llm_ms = round((time.perf_counter() - started) * 1000, 2)
    timings = {**extractive.timings_ms, "llm": llm_ms, "total": round(extractive.timings_ms["total"] + llm_ms, 2)}
    if verdict.fallback_reason is not None:
        return replace(extractive, timings_ms=timings, fallback_reason=verdict.fallback_reason)
    return Answer(extractive.question, verdict.answer, verdict.answered, verdict.citations, timings, answerer="llm")
