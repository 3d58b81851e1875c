"""Names a question types in lower case or misspelt ("who is acmes ceo", "where is the statn museum"): a word the
parser cannot tell from a common noun, found as a name in the passages read for it. A passage word is a name
when it is always written capitalised there; the question's word is that name when it spells it, its possessive
without an apostrophe, or nearly (rapidfuzz)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from rapidfuzz import fuzz, process

from rag.answerer.question import Question
from rag.models import Passage
from rag.text import STOPWORDS, fold

_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
NEAR_SPELLING = 85  # rapidfuzz ratio at which a typed word is read as a passage's name
_SHORTEST = 3  # "uk" or "who" typed in lower case are too short to tell from words
_SHORTEST_FUZZY = 6  # a short common word is nearly many names


def passage_names(passages: list[Passage]) -> set[str]:
    """Folded words the passages always write capitalised, more than once: names, not sentence openers."""
    capitalised: Counter[str] = Counter()
    lower: set[str] = set()
    for passage in passages:
        for text in (passage.chunk.title, passage.chunk.text):
            for match in _WORD.finditer(text):
                word = match.group().removesuffix("'s").removesuffix("\u2019s")
                if word[:1].isupper():
                    capitalised[fold(word)] += 1
                else:
                    lower.add(fold(word))
    return {word for word, count in capitalised.items() if count > 1 and word not in lower}


def typed_names(question: Question, passages: list[Passage]) -> dict[str, str]:
    """The question's lower-case words that are names in the passages: typed word -> the name, folded."""
    known = passage_names(passages)
    if not known:
        return {}
    found = {}
    for match in _WORD.finditer(question.text):
        word = match.group()
        typed = fold(word)
        if word[:1].isupper() or typed in STOPWORDS or len(typed) < _SHORTEST:
            continue
        name = _spelled(typed, known)
        if name is not None:
            found[typed] = name
    return found


def _spelled(typed: str, known: set[str]) -> str | None:
    if typed in known:
        return typed
    if typed.endswith("s") and typed[:-1] in known:
        return typed[:-1]  # "acmes ceo": the possessive typed without an apostrophe
    if len(typed) < _SHORTEST_FUZZY:
        return None  # "space" is nearly "spacex"
    alike = [k for k in known if k[:1] == typed[:1] and abs(len(k) - len(typed)) <= 1]
    near = process.extractOne(typed, alike, scorer=fuzz.ratio)
    return near[0] if near is not None and near[1] >= NEAR_SPELLING else None


def with_typed_names(question: Question, passages: list[Passage]) -> Question:
    """The question with its lower-case or misspelt names among its words, so that a candidate that is one of
    them is no answer. Not among its names: a common word a passage writes only inside names ("Transport" in a
    ministry's name) would make the evidence answer for it."""
    found = typed_names(question, passages)
    if not found:
        return question
    return replace(question, surface=question.surface | set(found.values()))
