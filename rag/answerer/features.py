"""The small set of general features the fitted scorer combines, for sentences and for candidates."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from rag.answerer.alignment import alignment_features, binding_features, token_distance, tree_distance
from rag.answerer.candidates import Candidate
from rag.answerer.evidence import Evidence, key_of
from rag.answerer.question import Question
from rag.answerer.shapes import age_fit, is_fragment, is_partitive_total
from rag.embedding import Embedder

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

SENTENCE_FEATURES = (
    "similarity", "overlap", "context_overlap", "names_covered", "event_present", "focus_present",
    "rank", "has_type", "unmatched", "weakest", "fragment", "article_overlap",
)  # fmt: skip
CANDIDATE_FEATURES = (
    *SENTENCE_FEATURES,
    "support",
    "label_rank",
    "focus_head",
    "focus_near",
    "event_link",
    "tree_near",
    "token_near",
    "in_name",
    "year_like",
    "redundancy",
    "subject_of_event",
    "focus_inside",
    "name_near",
    "ordinal",
    "local_similarity",
    "head_similarity",
    "head_mismatch",
    "clause_cover",
    "aligned_near",
    "names_in_clause",
    "role_match",
    "compared",
    "age_fit",
    "partitive_total",
    "specific",
    "bound_tokens",
    "bound_tree",
)
# What the confidence in a ranked candidate rests on: its rank score, its lead over the next one, its sentence.
CONFIDENCE_FEATURES = (
    "score", "margin", "support", "names_covered", "focus_present", "event_present", "local_similarity",
    "head_mismatch", "redundancy", "context_overlap", "unmatched", "weakest", "clause_cover", "names_in_clause",
    "aligned_near", "label_rank", "in_name", "head_similarity", "age_fit", "focus_head", "bound_tree",
)  # fmt: skip


def sentence_features(question: Question, item: Evidence) -> dict[str, float]:
    reach = item.keys | item.context_keys
    labels = set(question.labels)
    return {
        "similarity": item.similarity,
        "overlap": item.overlap,
        "context_overlap": item.context_overlap,
        "names_covered": item.names_covered,
        "event_present": float(question.event is None or question.event in reach or bool(item.event_tokens)),
        "focus_present": float(question.focus is None or question.focus in reach),
        "rank": 1.0 / (1 + item.rank),
        "has_type": float(not labels or any(e.label_ in labels for e in item.span.ents)),
        "unmatched": item.unmatched,
        "weakest": item.weakest,
        "fragment": float(is_fragment(item.span)),
        "article_overlap": item.article_overlap,
    }


def candidate_features(question: Question, candidates: list[Candidate], embedder: Embedder) -> None:
    """Fill each candidate's features (the evidence's own features must be set first)."""
    sentences_with: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for candidate in candidates:
        sentences_with[candidate.value].add(
            (candidate.evidence.passage.chunk.doc_id, candidate.evidence.sentence.start)
        )
    considered = len({(c.evidence.passage.chunk.doc_id, c.evidence.sentence.start) for c in candidates}) or 1
    for candidate in candidates:
        features = dict(candidate.evidence.features)
        features["support"] = candidate.evidence.support
        features.update(_syntax(question, candidate))
        features.update(alignment_features(question, candidate.evidence, candidate.span))
        features["redundancy"] = len(sentences_with[candidate.value]) / considered
        candidate.features = features
    _similarity_features(question, candidates, embedder)
    binding_features(candidates)


def _where(candidate: Candidate) -> tuple[str, int]:
    return candidate.evidence.passage.chunk.doc_id, candidate.evidence.sentence.start


def _similarity_features(question: Question, candidates: list[Candidate], embedder: Embedder) -> None:
    """How near the words around a candidate, and the noun it counts, are to the question's meaning."""
    if not candidates:
        return
    n = len(candidates)
    windows = [_window(c.span, c.evidence.span).text for c in candidates]
    heads = [counted_noun(c.span) or described_noun(c.span) for c in candidates]
    vectors = embedder.embed(
        [
            question.retrieval_text,
            question.focus_text or "",
            *windows,
            *(h.lemma_ if h is not None else "" for h in heads),
        ]
    )
    question_vector, focus_vector = vectors[0], vectors[1]
    window_vectors, head_vectors = vectors[2 : 2 + n], vectors[2 + n :]
    for i, candidate in enumerate(candidates):
        candidate.features["local_similarity"] = float(window_vectors[i] @ question_vector)
        head = heads[i]
        has_head = head is not None and question.focus_text is not None
        similarity = float(head_vectors[i] @ focus_vector) if has_head else 0.0
        if head is not None and key_of(head) in (question.focus, question.event):
            similarity = 1.0  # "ninth visit" answers "how many times has he visited"
        candidate.features["head_similarity"] = similarity
        candidate.features["head_mismatch"] = float(has_head and similarity < 0.5)


def _window(span: Span, sentence: Span, width: int = 6) -> Span:
    return sentence.doc[max(sentence.start, span.start - width) : min(sentence.end, span.end + width)]


def counted_noun(span: Span) -> Token | None:
    """The noun a number counts or measures ("36 jets", "$1.5 billion in revenue")."""
    root = span.root
    if root.pos_ == "NOUN" and root.i > span.start:
        return root
    if root.dep_ in ("nummod", "quantmod", "amod") and root.head.pos_ == "NOUN":
        return root.head
    return None


def described_noun(span: Span) -> Token | None:
    """The common noun a name is given as: an apposition ("<name>, the distributor"), a noun before it ("the
    actress <name>"), or the noun it names ("the <name> nuclear complex")."""
    root = span.root
    if root.pos_ != "PROPN":
        return None
    for child in root.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN":
            return child
    for child in root.lefts:
        # "the actress <name>"; a title outside the name's span ("Acting President <name>") too
        if child.dep_ == "compound" and child.pos_ in ("NOUN", "PROPN") and child.i < span.start:
            return child
    if root.dep_ in ("compound", "appos") and root.head.pos_ == "NOUN":
        return root.head
    return None


def _syntax(question: Question, candidate: Candidate) -> dict[str, float]:
    span, sentence = candidate.span, candidate.evidence.span
    root = span.root
    tier = next((i for i, labels in enumerate(question.tiers) if candidate.label in labels), None)
    label_rank = 1.0 / (1 + tier) if tier is not None else 0.0
    asked = {question.focus, question.event} - {None}
    heads = _heads(root, 3)
    term_tokens = [t for t in sentence if key_of(t) in question.terms and not (span.start <= t.i < span.end)]
    window = sentence.doc[max(sentence.start, span.start - 5) : min(sentence.end, span.end + 5)]
    return {
        "label_rank": label_rank,
        # "36 fighter jets" for "how many jets"; "ninth visit" for "how many times has he visited".
        "focus_head": float(bool(asked & {key_of(h) for h in heads[:2]})),
        "focus_near": float(question.focus is not None and any(key_of(t) == question.focus for t in window)),
        "event_link": float(any(h.i in candidate.evidence.event_tokens for h in heads)),
        "tree_near": 1.0 / (1 + min((tree_distance(root, t) for t in term_tokens), default=9)),
        "token_near": 1.0 / (1 + min((token_distance(span, t) for t in term_tokens), default=9)),
        "in_name": float(_inside_name(span)),
        "focus_inside": float(question.focus is not None and any(key_of(t) == question.focus for t in span)),
        "name_near": _name_nearness(question, candidate),
        "ordinal": float(candidate.label == "ORDINAL"),
        "compared": float(any(h.lower_ in _COMPARING for h in [root, *heads[:2]])),
        "year_like": float(question.kind == "count" and _year_like(candidate.text)),
        "age_fit": age_fit(question, span),
        "partitive_total": float(is_partitive_total(span)),
        "specific": float(any(t.like_num for t in span)),  # "6.04 pm" over "evening"
        "subject_of_event": float(
            root.dep_ in ("nsubj", "nsubjpass", "agent", "pobj")
            and any(h.i in candidate.evidence.event_tokens for h in heads[:2])
        ),
    }


# Closed-class English words that introduce the value a figure is compared with ("up from <n>",
# "against <n> a year earlier", "compared with <n>"): usually not the asked figure.
_COMPARING = frozenset({"from", "against", "than", "versus", "vs", "compared", "compare"})


def _name_nearness(question: Question, candidate: Candidate) -> float:
    """How close the question's names are to the candidate ("the Tidewater party ... 12.5 per cent")."""
    span = candidate.span
    names = [t for t in candidate.evidence.span if key_of(t) in question.names and not span.start <= t.i < span.end]
    if not question.names:
        return 0.5
    distance = min((token_distance(span, t) for t in names), default=20)
    return 1.0 / (1 + distance)


def _heads(token: Token, limit: int) -> list[Token]:
    chain: list[Token] = []
    while token.head.i != token.i and len(chain) < limit:  # spaCy makes a new Token per access: compare .i
        token = token.head
        chain.append(token)
    return chain


def _inside_name(span: Span) -> bool:
    """A number that is part of a name ("Model 3", "Flight 90", "SARS-2") is not a count. A name inside a
    longer name or joined by a hyphen ("Ruiz-Soto") is still a name: only numbers are asked about here."""
    root = span.root
    if not any(t.like_num for t in span):
        return False
    if root.dep_ == "compound" and root.head.pos_ == "PROPN":
        return True
    neighbours = [t for t in (root.nbor(-1) if root.i > 0 else None, _next(root)) if t is not None]
    return any(t.pos_ == "PROPN" and not t.whitespace_ for t in neighbours[:1]) or any(
        t.text in ("-", "\u2010", "\u2011") and not t.whitespace_ for t in neighbours
    )


def _next(token: Token) -> Token | None:
    return token.nbor(1) if token.i + 1 < len(token.doc) else None


def _year_like(text: str) -> bool:
    return text.isdigit() and len(text) == 4 and 1800 <= int(text) <= 2100


def confidence_features(
    candidate_features: dict[str, float], score: float, best_other: float | None
) -> dict[str, float]:
    values = {name: candidate_features.get(name, 0.0) for name in CONFIDENCE_FEATURES}
    values["score"] = score
    values["margin"] = max(-5.0, min(5.0, score - best_other)) if best_other is not None else 5.0
    return values
