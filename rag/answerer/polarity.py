"""Yes or no, read from the evidence sentence: negation of the asked predicate, and any number the
question states checked against the sentence's."""

from __future__ import annotations

from rag.answerer.evidence import Evidence, key_of
from rag.answerer.question import Question
from rag.language import numbers_in


def yes_or_no(question: Question, item: Evidence) -> str:
    if question.stated_numbers and not question.stated_numbers <= numbers_in(item.sentence.text):
        return "No"
    return "No" if _negated(question, item) != question.negated else "Yes"


def _negated(question: Question, item: Evidence) -> bool:
    """Whether the sentence denies the predicate the question asks about (not some side clause)."""
    asked = {question.event} if question.event else set(question.terms)
    for token in item.span:
        if token.dep_ != "neg":
            continue
        head = token.head
        if key_of(head) in asked or head.dep_ == "ROOT" or any(key_of(c) in asked for c in head.children):
            return True
    return False
