"""Term keys: the Snowball stem of a lemma, so "invitation" meets "invite" and "took" (lemma "take")
meets "take"; the same form the lexical index counts (`rag.text.content_terms`)."""

from __future__ import annotations

import functools
import math

from rag.index import CorpusStats
from rag.text import fold, stem


@functools.lru_cache(maxsize=100_000)  # a pure function of the word, called for every token of every sentence read
def term_key(lemma: str) -> str:
    word = fold(lemma).strip(" .,'\"-")
    return stem(word) if word.replace("-", "").isalnum() else ""


def idf(term: str, stats: CorpusStats) -> float:
    total = max(1, stats.chunk_count())
    return math.log(1 + total / (1 + stats.chunks_containing(term)))


def correct_typo(term: str, stats: CorpusStats) -> str:
    """A term the corpus never uses, close in spelling to one it does, is read as that term."""
    if len(term) < 4 or stats.chunks_containing(term) > 0:
        return term
    from rapidfuzz import fuzz

    for candidate in stats.similar_terms(term, limit=3):
        if fuzz.ratio(term, candidate) >= 75:
            return candidate
    return term
