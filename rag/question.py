"""Question analysis: what kind of answer is asked for, and which terms must be supported."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass

from rag.text import content_terms, fold, stem, tokens

QuestionKind = str  # count | date | person | role | place | organisation | list | yesno | description

_KIND_PATTERNS: tuple[tuple[QuestionKind, str], ...] = (
    ("count", r"\bhow (many|much)\b|\bwhat number\b|\bnumber of\b"),
    ("date", r"^(and |so )?(when|since when|until when|what year|which year|what date|on what date|what day"
             r"|which day|what month|which month|in what year|in which year|what time)\b"),
    ("organisation", r"\b(which|what) (organi[sz]ation|ministry|agency|outlet|body|institution"
                     r"|government body|news agency|office)\b"),
    ("person", r"\bwho\b|\bwhose\b|\b(which|what) (\w+ )?(persons?|people|officials?|ministers?|presidents?|leaders?"
               r"|spokesperson|advisers?|translator)\b|\bwhat is the name of\b"),
    ("place", r"\bwhere\b|\b(which|what) (is |was |are |were )?(the )?(city|cities|country|countries|place|places"
              r"|capital|island)\b"),
    ("list", r"\b(which|what) (sectors|areas|issues|topics|shortages|spheres|things|goods|items|fields"
             r"|subjects|products|industries)\b|\blist\b|\bname the\b"),
    ("yesno", r"^(and )?(is|are|was|were|did|does|do|has|have|had|will|would|can|could|should)\b"),
)  # fmt: skip
# Words that shape the question rather than name what must be in the evidence.
_FRAME_WORDS = frozenset(
    """time many much number year date day month name happen happened person place city country
    countries kind type list official article piece story sector area issue topic spher thing word""".split()
)
# Small general-English equivalences: a question's word and the article's word for the same thing.
SYNONYMS: dict[str, frozenset[str]] = {
    group_word: frozenset(stem(word) for word in group)
    for group in (
        frozenset(
            "visit visited trip stay travel traveled travelled tour itinerary arrive arrived arrival stop go goes "
            "went going".split()
        ),
        frozenset({"meet", "met", "meeting", "talk", "talks", "received", "interview"}),
        frozenset({"arrest", "arrested", "detain", "detained"}),
        frozenset({"say", "said", "state", "stated", "announce", "announced", "declare", "declared"}),
        frozenset({"war", "conflict", "invasion"}),
        frozenset({"sign", "signed", "agreement"}),
        frozenset({"country", "nation", "island"}),
        frozenset({"people", "person", "persons", "individuals"}),
    )
    for group_word in {stem(word) for word in group}
}
_FOLLOW_UP = re.compile(r"^(and|what about|how about|also)\b|\b(he|she|it|they|that|this|one|previous|those|them)\b")


@dataclass(frozen=True)
class Question:
    text: str
    kind: QuestionKind
    terms: tuple[str, ...]
    retrieval_text: str


_WHO_IS_NAME = re.compile(r"^\s*(?i:who)\s+(?i:is|was)\s+((?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f'.-]*\s*)+)\??\s*$")


def asked_name(text: str) -> str | None:
    """The name in "Who is Vyacheslav Volodin?": the question asks for that person's role."""
    match = _WHO_IS_NAME.match(text)
    return match.group(1).strip() if match else None


def classify(text: str) -> QuestionKind:
    if asked_name(text):
        return "role"
    folded = fold(text).strip()
    for kind, pattern in _KIND_PATTERNS:
        if re.search(pattern, folded):
            return kind
    return "description"


def key_terms(text: str) -> list[str]:
    terms = [t for t in content_terms(text) if t not in _FRAME_WORDS and not t.isdigit()]
    return list(dict.fromkeys(terms))


def analyse(text: str, vocabulary: Collection[str], history: list[str] | None = None) -> Question:
    """Kind and key terms; typos are mapped to corpus words, follow-ups borrow earlier terms."""
    terms = key_terms(text)
    retrieval_text = text
    if history and (_FOLLOW_UP.search(fold(text)) or len(terms) <= 2):
        earlier = history[-1]
        terms = list(dict.fromkeys([*terms, *key_terms(earlier)]))
        retrieval_text = f"{earlier} {text}"
    corrected = tuple(correct_spelling(t, vocabulary) for t in terms)
    return Question(text=text, kind=classify(text), terms=corrected, retrieval_text=retrieval_text)


def correct_spelling(term: str, vocabulary: Collection[str]) -> str:
    """A word the corpus never uses, close to one it does, is taken as a typo of it."""
    if term in vocabulary or len(term) < 4:
        return term
    close = difflib.get_close_matches(term, list(vocabulary), n=1, cutoff=0.8)
    return close[0] if close else term


def negated(text: str) -> bool:
    return bool({"not", "no", "never", "n't", "neither", "nor"} & set(tokens(text.replace("n't", " not"))))
