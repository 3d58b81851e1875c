"""Reading one sentence beyond its words: what its anaphors point back to, and its clauses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text import STOPWORDS, content_terms, fold

# A sentence that opens with one of these continues the one before ("At that time a forum took place").
_OPENING_ANAPHOR = re.compile(
    r"^(at that time|at the time|then|that year|that day|there|this|these|those|it|he|she|they|his|her|their)\b",
    re.I,
)
_DEFINITE = re.compile(r"\bthe ([a-z]{4,})\b")
_CAPITALISED_PHRASE = re.compile(
    r"(?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f-]*\s+){0,4}[A-Z\u00c0-\u00de][\w\u00c0-\u024f-]*"
)
_RELATIVE = re.compile(r",\s+(?:who|which|whose|where)\b[^,;]*")
_CLAUSE_BREAK = re.compile(r"[,;:]\s*|\s+(?:and|but|while|whereas)\s+(?=[a-z])")


@dataclass(frozen=True)
class Referents:
    previous: str | None  # the previous sentence, when this one opens with an anaphor
    phrases: list[str]  # the named phrases its definite descriptions stand for

    @property
    def terms(self) -> set[str]:
        return {t for text in [self.previous or "", *self.phrases] for t in content_terms(text)}


def referents(sentence: str, earlier: list[str]) -> Referents:
    """What a sentence refers back to: the whole previous sentence after an opening anaphor ("At
    that time..."), and the named phrase a definite description stands for ("the ministry" after
    "the Russian Foreign Ministry")."""
    if not earlier:
        return Referents(None, [])
    previous = earlier[-1] if _OPENING_ANAPHOR.match(sentence.strip("\u201c\"' ")) else None
    phrases = []
    for match in _DEFINITE.finditer(sentence):
        head = match.group(1)
        for earlier_sentence in reversed(earlier[-3:]):
            named = [p.strip() for p in capitalised_phrases(earlier_sentence) if fold(p.split()[-1]) == head]
            if named:
                phrases.append(named[-1])
                break
    return Referents(previous, phrases)


def capitalised_phrases(text: str) -> list[str]:
    """Runs of two or more capitalised words, without a leading question or function word."""
    found = []
    for match in _CAPITALISED_PHRASE.finditer(text):
        words = match.group().split()
        while words and fold(words[0]) in STOPWORDS:
            words = words[1:]
        if len(words) >= 2:
            found.append(" ".join(words))
    return found


def relative_clauses(sentence: str) -> list[tuple[int, int]]:
    """Spans of non-restrictive relative clauses (", who will later travel to Venezuela")."""
    return [match.span() for match in _RELATIVE.finditer(sentence)]


def outside(spans: list[tuple[int, int]], sentence: str, keep: int) -> str:
    """The sentence without the spans, except the one holding offset `keep`."""
    parts, last = [], 0
    for start, end in spans:
        if start <= keep < end:
            continue
        parts.append(sentence[last:start])
        last = end
    parts.append(sentence[last:])
    return " ".join(parts)


def clauses(sentence: str) -> list[str]:
    """The sentence cut at punctuation and clause-joining conjunctions."""
    return [part for part in _CLAUSE_BREAK.split(sentence) if part and part.strip()]
