"""Whether a question's term is in a sentence: synonyms, word families, Cuba / Cuban, context."""

from __future__ import annotations

import re

from rag.question import SYNONYMS, Question
from rag.retrieval import CorpusIndex
from rag.text import fold, stem

CONTEXT_WEIGHT = 0.6  # a term found only in the title or the previous sentence counts for less


def term_coverage(
    terms: tuple[str, ...], sentence_terms: set[str], context_terms: set[str], corpus: CorpusIndex
) -> tuple[float, list[str]]:
    total = covered = 0.0
    uncovered = []
    for term in terms:
        weight = corpus.idf(term)
        total += weight
        if covers(term, sentence_terms):
            covered += weight
        elif covers(term, context_terms):
            covered += CONTEXT_WEIGHT * weight
        else:
            uncovered.append(term)
    return (covered / total if total else 0.0), uncovered


def covers(term: str, terms: set[str]) -> bool:
    if term in terms or SYNONYMS.get(term, frozenset()) & terms:
        return True
    if f"{term}n" in terms or (term.endswith("n") and term[:-1] in terms):
        return True  # Cuba / Cuban, Russia / Russian
    if len(term) >= 7 and any(len(t) >= 7 and t[:7] == term[:7] for t in terms):
        return True
    # One word family: "invite" / "invitation", "recruit" / "recruitment" (not "minister" / "ministry").
    return len(term) >= 5 and any(same_family(term, t) for t in terms)


def same_family(first: str, second: str) -> bool:
    shorter = min(len(first), len(second))
    if shorter >= 4 and {first, second} == {first[:shorter], first[:shorter] + "e"}:
        return True  # "valu" (valued) / "value", "invit" (invited) / "invite"
    if shorter < 5:
        return False
    common = next((i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b), shorter)
    return common >= 5 and common >= shorter - 1


def is_known(term: str, corpus: CorpusIndex) -> bool:
    """Some article uses the term, a synonym, or a word of its family ("invite" / "invitation")."""
    vocabulary = corpus.document_frequency
    if term in vocabulary or any(s in vocabulary for s in SYNONYMS.get(term, ())):
        return True
    return covers(term, corpus.terms_starting(term[:4]))


def question_names(question: Question) -> set[str]:
    """The question's capitalised words (not its first), as terms: the names it asks about."""
    return {stem(fold(word)) for word in re.findall(r"\b[A-Z\u00c0-\u00de][\w-]+", question.text[1:])}
