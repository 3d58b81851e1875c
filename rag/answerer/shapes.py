"""What a candidate's words are, read off the parse: a person's age, the whole a part is counted out of, a
line with no verb (a menu, a caption). Each is a general shape of English news prose, not a word list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag.answerer.question import Question
from rag.answerer.terms import term_key
from rag.language import moves_with_the_clock

if TYPE_CHECKING:
    from spacy.tokens import Span

_AGE_WORDS = frozenset({term_key("old"), term_key("age")})  # "how old", "what age"
_OLDEST_AGE = 130


def is_age(span: Span) -> bool:
    """ "<name>, 64," or "the 32-year-old <name>": a number that gives someone's age."""
    words = [t for t in span if not t.is_punct]
    if not words or not words[0].like_num:
        return False
    root = span.root
    if len(words) == 1 and root.dep_ == "appos" and root.head.pos_ == "PROPN":
        return _plausible_age(words[0].text)
    after = [t.lower_ for t in span.doc[span.start : min(len(span.doc), span.end + 4)]]
    return "year" in after and "old" in after and _plausible_age(words[0].text)


def age_fit(question: Question, span: Span) -> float:
    """+1: an age, asked for; -1: an age where something else is asked ("In which minute did <name>, 23,
    score?"); 0: not an age."""
    if not is_age(span):
        return 0.0
    return 1.0 if question.focus in _AGE_WORDS else -1.0


def disagrees_in_type(question: Question, span: Span) -> bool:
    """The chosen answer is of another type than the question asks for: an age question ("how old", "what
    age") answered with a figure that gives no one's age."""
    return question.focus in _AGE_WORDS and question.kind in ("amount", "count") and not is_age(span)


def is_duration(span: Span) -> bool:
    """ "three days", "20 years": a length of time, which answers "how long" but names no point in time ("20
    years ago", "May 2023", "last week", "2:07 p.m." do). A hedge before the figure ("roughly", "at least") is read
    past: dateparser reads no hedged phrase."""
    root = span.root
    counted = root.pos_ == "NOUN" and any(c.dep_ == "nummod" and c.i >= span.start for c in root.children)
    first = next((t.i for t in span if t.like_num), span.start)
    return counted and moves_with_the_clock(span.doc[first : span.end].text)  # "roughly 21 hours": its figure on


def is_partitive_total(span: Span) -> bool:
    """The whole in "five of the 11 sanctions" or "201 out of 400 seats": the number a part is counted out
    of, not the part."""
    node = span.root
    if node.dep_ == "nummod" and node.head.pos_ == "NOUN":
        node = node.head  # "the 11 sanctions": the noun carries the relation
    if node.dep_ != "pobj" or node.head.lower_ != "of":
        return False
    governor = node.head.head
    if governor.lower_ == "out" and governor.i > 0:  # "201 out of 400": "out" hangs off the verb; the part precedes it
        governor = governor.doc[governor.i - 1]
    return governor.like_num and governor.i < span.start


def is_fragment(sentence: Span) -> bool:
    """A line with no verb: a menu, a tag list, a caption credit, a headline's scoreboard."""
    return not any(t.pos_ in ("VERB", "AUX") for t in sentence)


def _plausible_age(text: str) -> bool:
    digits = text.replace(",", "")
    return digits.isdigit() and 0 < int(digits) <= _OLDEST_AGE
