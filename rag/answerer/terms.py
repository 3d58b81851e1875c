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


# Zipf frequency (wordfreq: log10 of uses per billion words) from which a word is a known English word: "date"
# (5.2), "repair" (4.4), "funnel" (3.5) are; the misspellings "poeple" (2.1), "apeal" (1.3), "cermony" (0) are not.
KNOWN_WORD_ZIPF = 3.0


def correct_typo(term: str, stats: CorpusStats, word: str | None = None) -> str:
    """A term the corpus never uses, close in spelling to one it does, is read as that term, unless the
    question's word is a known English word: a detail the articles do not mention ("repair", "dinner"), not a
    misspelling of one they do ("rear", "diner"). A word ending in "s" whose stem the corpus uses is that stem's
    possessive typed without the apostrophe, known word or not ("quarras party" for "Quarra's party")."""
    if stats.chunks_containing(term) > 0:
        return term
    if term.endswith("s") and len(term) > 2 and stats.chunks_containing(term[:-1]) > 0:
        return term[:-1]  # "quarras party": a possessive typed without its apostrophe
    if len(term) < 4 or (word is not None and is_known_word(word)):
        return term
    from rapidfuzz import fuzz

    for candidate in stats.similar_terms(term, limit=3):
        if fuzz.ratio(term, candidate) >= 75:
            return candidate
    # A misspelt inflected word keeps its stem's letters in front ("evacuaton": "evacu", the stem of
    # "evacuation"): the longest known stem it starts with, if that covers half of it or more.
    for end in range(len(term) - 1, max(_SHORTEST_STEM, math.ceil(len(term) * 0.5)) - 1, -1):
        if stats.chunks_containing(term[:end]) > 0:
            return term[:end]
    return term


_SHORTEST_STEM = 5


def is_known_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    return word.isalpha() and zipf_frequency(word, "en") >= KNOWN_WORD_ZIPF


def spells_out(acronym: str, text: str) -> bool:
    """A run of capitalised words whose initials are the acronym's letters; short lower-case words between
    them ("of", "and") are skipped."""
    letters = acronym.upper()
    if not letters.isalpha() or not 2 <= len(letters) <= 8:
        return False
    words = text.replace("-", " ").split()  # "Ana Ruiz-Soto": A R S
    for start, word in enumerate(words):
        if word[:1] != letters[0]:
            continue
        initials = ""
        for following in words[start:]:
            if following[:1].isupper():
                initials += following[0]
            elif len(following) > 3 or not following.isalpha():
                break
            if not letters.startswith(initials):
                break
            if initials == letters:
                return True
    return False
