"""An evidence sentence and what the answerer found in it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.extract import Candidate
from rag.matching import covers
from rag.models import Passage
from rag.text import Sentence, content_terms


@dataclass
class Evidence:
    sentence: Sentence
    passage: Passage
    rank: int
    coverage: float
    uncovered: list[str]
    similarity: float = 0.0
    candidates: list[Candidate] = field(default_factory=list)
    best: Candidate | None = None
    question_terms: tuple[str, ...] = ()
    context_terms: set[str] = field(default_factory=set)  # the title's and those the sentence refers back to
    referent_phrases: list[str] = field(default_factory=list)  # "Russian Foreign Ministry" for "the ministry"
    own_terms: set[str] = field(default_factory=set)  # the sentence's own terms
    referent_terms: set[str] = field(default_factory=set)  # the terms of what it refers back to

    @property
    def is_headline(self) -> bool:
        return self.sentence.text == self.passage.chunk.title

    @property
    def score(self) -> float:
        # A headline restates the article; the body sentence is the better quote.
        penalty = 0.5 if self.is_headline else 0.0
        local = 0.25 * min(2, self.best_local) if self.best else 0.0
        return self.coverage + self.similarity + local + 0.05 / (1 + self.rank) - penalty

    @property
    def best_local(self) -> int:
        return local_matches(self.best, self.sentence.text, self.question_terms) if self.best else 0


@dataclass(frozen=True)
class Lexicon:
    places: set[str]
    common_words: set[str]


def words_around(sentence: str, candidate: Candidate, before: int, after: int) -> str:
    """The words just before and after a candidate."""
    words_before = re.findall(r"\S+", sentence[: candidate.start])[-before:] if before else []
    words_after = re.findall(r"\S+", sentence[candidate.start + len(candidate.text) :])[:after] if after else []
    return " ".join([*words_before, *words_after])


def local_matches(candidate: Candidate, sentence: str, terms: tuple[str, ...], window: int = 7) -> int:
    """Question terms among the words right around the candidate."""
    nearby = set(content_terms(f"{words_around(sentence, candidate, window, window)} {candidate.text}"))
    own = set() if candidate.value.isdigit() else set(content_terms(candidate.text))
    return sum(1 for t in terms if covers(t, nearby) and t not in own)
