"""Evidence: the retrieved passages' sentences, each parsed once, matched against the question."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from rag.answerer.question import Question
from rag.answerer.terms import idf, spells_out, term_key
from rag.embedding import Embedder
from rag.index import CorpusStats
from rag.language import Sentence, parse
from rag.models import Passage

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"})


class ParseCache:
    """Each chunk (and title) is parsed at most once while it stays among the most recently used."""

    def __init__(self, max_entries: int = 2048) -> None:
        self._docs: OrderedDict[str, Doc] = OrderedDict()
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def get(self, key: str, text: str) -> Doc:
        with self._lock:
            doc = self._docs.get(key)
            if doc is not None:
                self._docs.move_to_end(key)
                return doc
        doc = parse(text)
        with self._lock:
            self._docs[key] = doc
            while len(self._docs) > self._max_entries:
                self._docs.popitem(last=False)
        return doc

    def clear(self) -> None:
        with self._lock:
            self._docs.clear()


@dataclass
class Evidence:
    passage: Passage
    rank: int
    sentence: Sentence  # text and offsets in the document
    span: Span  # the sentence in its chunk's parse
    keys: set[str]
    context_keys: set[str]
    similarity: float = 0.0
    overlap: float = 0.0
    context_overlap: float = 0.0
    names_covered: float = 1.0
    article_overlap: float = 0.0  # idf-weighted share of the question's words its article holds anywhere
    unmatched: float = 0.0  # idf-weighted share of the question's words matched neither literally nor in meaning
    weakest: float = 1.0  # the question word this sentence matches least well (1: every word is literally there)
    event_tokens: set[int] = field(default_factory=set)  # tokens that say the asked event, in its words or others
    term_tokens: dict[str, set[int]] = field(default_factory=dict)  # question term -> tokens saying it
    term_weights: dict[str, float] = field(default_factory=dict)  # question term -> its idf
    support: float = 0.0  # the fitted probability that the sentence answers the question
    features: dict[str, float] = field(default_factory=dict)

    @property
    def offset(self) -> int:
        """Document offset of the chunk's text (span character offsets are relative to it)."""
        return self.passage.chunk.start


def token_keys(tokens: Span | Doc) -> set[str]:
    keys = set()
    for token in tokens:
        if token.pos_ in _CONTENT_POS and not token.is_punct:
            keys.add(term_key(token.lemma_))
            keys.add(term_key(token.lower_))
    keys.discard("")
    return keys


def key_of(token: Token) -> str:
    return term_key(token.lemma_)


def gather(
    question: Question, passages: list[Passage], parses: ParseCache, stats: CorpusStats, embedder: Embedder
) -> list[Evidence]:
    """Every distinct sentence of the passages, with how well it covers the question."""
    seen: set[tuple[str, int]] = set()
    found: list[Evidence] = []
    weights = {term: idf(term, stats) for term in question.terms}
    for rank, passage in enumerate(passages):
        chunk = passage.chunk
        doc = parses.get(chunk.chunk_id, chunk.text)
        title_keys = token_keys(parses.get(f"title:{chunk.title}", chunk.title))
        previous: set[str] = set()
        before_previous: set[str] = set()
        for span in doc.sents:
            text = span.text.strip()
            if len(text) < 2:
                continue
            start = chunk.start + span.start_char + (len(span.text) - len(span.text.lstrip()))
            keys = token_keys(span)
            if (chunk.doc_id, start) not in seen:
                seen.add((chunk.doc_id, start))
                # "He was substituted ...": a pronoun's person is often named two sentences back
                context = title_keys | previous | (before_previous if _pronoun_subject(span) else set())
                item = Evidence(passage, rank, Sentence(text, start, start + len(text)), span, keys, context)
                _cover(item, question, weights)
                found.append(item)
            previous, before_previous = keys, previous
    _article_cover(found, stats, weights)
    _similarities(question, found, embedder)
    _meaning_cover(question, found, embedder, weights)
    return found


def _cover(item: Evidence, question: Question, weights: dict[str, float]) -> None:
    total = sum(weights.values()) or 1.0
    own = sum(w for t, w in weights.items() if t in item.keys)
    around = sum(w for t, w in weights.items() if t not in item.keys and t in item.context_keys)
    item.overlap = own / total
    item.context_overlap = (own + around) / total
    if question.names:
        reach = item.keys | item.context_keys
        said = f"{item.passage.chunk.title} {item.sentence.text}"
        covered = [n in reach or (len(n) <= 5 and spells_out(n, said)) for n in question.names]  # "EU"
        item.names_covered = sum(covered) / len(question.names)


def _article_cover(found: list[Evidence], stats: CorpusStats, weights: dict[str, float]) -> None:
    """Whether the sentence's article is about what the question asks: the question's words anywhere in it or its
    headline. Two articles on two crashes both tell "how many passengers"; only one names the airline asked of."""
    total = sum(weights.values())
    if not total:
        return
    held: dict[str, set[str]] = {}
    for item in found:
        chunk = item.passage.chunk
        if chunk.doc_id not in held:
            held[chunk.doc_id] = stats.document_terms(chunk.doc_id, weights)
        said = held[chunk.doc_id] | item.keys | item.context_keys
        item.article_overlap = sum(w for t, w in weights.items() if t in said) / total


def _pronoun_subject(span: Span) -> bool:
    return any(t.dep_ in ("nsubj", "nsubjpass") and t.pos_ == "PRON" and t.lower_ != "it" for t in span)


def _similarities(question: Question, found: list[Evidence], embedder: Embedder) -> None:
    if not found:
        return
    vectors = embedder.embed([question.retrieval_text] + [e.sentence.text for e in found])
    for item, similarity in zip(found, np.asarray(vectors[1:] @ vectors[0]), strict=True):
        item.similarity = float(similarity)


MEANING_SENTENCES = 10  # the sentences nearest the question get word-level meaning matching
WORD_MATCH = 0.6  # cosine at which two words count as the same in meaning ("killed" and "dead")


def _meaning_cover(question: Question, found: list[Evidence], embedder: Embedder, weights: dict[str, float]) -> None:
    """A question word the sentence lacks may still be there in other words; a detail it lacks is not."""
    total = sum(weights.get(k, 0.0) for k, _ in question.words) or 1.0
    near = sorted(found, key=lambda e: -(e.similarity + e.overlap))[:MEANING_SENTENCES]
    lemmas = {id(e): sorted({t.lemma_.lower() for t in e.span if t.pos_ in _CONTENT_POS}) for e in near}
    vocabulary = sorted({w for ws in lemmas.values() for w in ws} | {w for _, w in question.words})
    if question.event_text:
        vocabulary = sorted({*vocabulary, question.event_text})
    vectors = dict(zip(vocabulary, embedder.embed(vocabulary), strict=True)) if vocabulary else {}
    for item in found:
        item.event_tokens = _event_tokens(question, item, vectors if id(item) in lemmas else {})
        item.term_tokens = _term_tokens(question, item, vectors if id(item) in lemmas else {})
        item.term_weights = weights
        reach = item.keys | item.context_keys
        missing = [(k, w) for k, w in question.words if k not in reach]
        if not missing:
            continue
        own = lemmas.get(id(item))
        best = {k: _best_match(vectors[w], [vectors[x] for x in own]) if own else 0.0 for k, w in missing}
        item.weakest = min(best.values())
        item.unmatched = sum(weights.get(k, 0.0) for k, score in best.items() if score < WORD_MATCH) / total


def _term_tokens(question: Question, item: Evidence, vectors: dict[str, np.ndarray]) -> dict[str, set[int]]:
    """Where the sentence says each question term: the same word, or (near the question) a word like it."""
    lemma_of = dict(question.words)
    found: dict[str, set[int]] = {}
    for token in item.span:
        if token.is_punct or token.pos_ not in _CONTENT_POS:
            continue
        keys = {key_of(token), term_key(token.lower_)}
        own = vectors.get(token.lemma_.lower())
        for term in question.terms:
            similar = own is not None and term in lemma_of and lemma_of[term] in vectors
            if term in keys or (similar and float(vectors[lemma_of[term]] @ own) >= WORD_MATCH):
                found.setdefault(term, set()).add(token.i)
    if question.event is not None and item.event_tokens:
        found.setdefault(question.event, set()).update(item.event_tokens)
    return found


def _event_tokens(question: Question, item: Evidence, vectors: dict[str, np.ndarray]) -> set[int]:
    if question.event is None:
        return set()
    event_vector = vectors.get(question.event_text or "")
    found = set()
    for token in item.span:
        lemma = token.lemma_.lower()
        similar = event_vector is not None and token.pos_ == "VERB" and lemma in vectors
        if key_of(token) == question.event or (similar and float(vectors[lemma] @ event_vector) >= WORD_MATCH):
            found.add(token.i)
    return found


def _best_match(word: np.ndarray, others: list[np.ndarray]) -> float:
    return float(max((word @ other for other in others), default=0.0))
