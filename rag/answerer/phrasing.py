"""Phrasing the short answer, and the final check that it says nothing its quotes do not."""

from __future__ import annotations

import datetime as dt
import re

from rag.answerer.candidates import Candidate
from rag.answerer.evidence import Evidence, key_of
from rag.answerer.question import Question
from rag.language import long_date, number_value, number_words, numbers_in, resolve_date
from rag.models import Citation
from rag.text import fold

NOT_IN_CORPUS = "The corpus does not say."


def phrase_candidate(question: Question, candidate: Candidate, siblings: list[Candidate]) -> str:
    if question.kind == "count":
        return _count(question, candidate) + as_of(candidate.evidence)
    if siblings:  # "In which years ...?": 1964, 2008 and 2012
        names = [candidate.text, *(s.text for s in siblings)]
        return ", ".join(names[:-1]) + " and " + names[-1]
    if question.kind == "date":
        return _date(candidate)
    if question.kind == "amount":
        return _with_counted_noun(candidate)  # "about 100 hectares", not "about 100"
    return candidate.text


def _count(question: Question, candidate: Candidate) -> str:
    root = candidate.span.root
    value = number_value(root.text) if len(candidate.span) > 1 else number_value(candidate.text)
    counts_occasions = question.focus in (None, "time", key_of(root.head)) or (
        question.event is not None and key_of(root.head) == question.event
    )
    if candidate.label == "ORDINAL" and value is not None and counts_occasions:
        # "his ninth visit" answers "how many times has he visited": nine times.
        whole = int(value)
        return {1: "Once", 2: "Twice"}.get(whole, f"{number_words(whole).capitalize()} times")
    return _with_counted_noun(candidate)


def _with_counted_noun(candidate: Candidate) -> str:
    """The number with the noun it counts, when the recogniser's span stops short of it ("six people"); not
    when the two make one hyphenated modifier ("a four-count indictment": four, not "four-count")."""
    root = candidate.span.root
    head = root.head
    doc = candidate.span.doc
    start = candidate.span.start
    if start > 0 and doc[start - 1].is_currency:
        start -= 1  # "$95" where the recogniser kept only "95"
    hyphened = candidate.span.end < len(doc) and doc[candidate.span.end].text == "-"
    if (
        root.dep_ in ("nummod", "quantmod")
        and head.pos_ in ("NOUN", "PROPN")
        and head.i >= candidate.span.end
        and not hyphened
    ):
        return doc[start : head.i + 1].text
    return doc[start : candidate.span.end].text


def _date(candidate: Candidate) -> str:
    """The date as written, with the day it names when the words leave out the year ("Tuesday (2 January
    2024)"). Not for a time of day: "5:47 p.m." names no day, and the article's own is often the wrong one."""
    text = candidate.text
    if candidate.label == "TIME":
        return text
    day = resolve_date(text, candidate.evidence.passage.chunk.date)
    if day is not None and str(day.year) not in text:
        return f"{text} ({long_date(day)})"
    return text


def as_of(item: Evidence) -> str:
    """Counts change: say when the article counted."""
    written = _date_forms(item.passage.chunk.date)
    return f", as of {written}" if written else ""


def finish(text: str, refs: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    if not text.endswith((".", "!", "?")):
        text += "."
    return f"{text} {refs}".strip()


def is_grounded(text: str, citations: list[Citation]) -> bool:
    """Every number and name in the answer appears in a cited quote (or is a cited article's date)."""
    body = re.sub(r"\[\d+\]", "", text)
    allowed = " ".join(f"{c.quote} {c.title} {c.date or ''} {_date_forms(c.date)}" for c in citations)
    if not numbers_in(body) <= numbers_in(allowed):
        return False
    folded = fold(allowed)
    for sentence in re.split(r"(?<=[.!?])\s+", body):
        words = re.findall(r"\b[^\W\d_][\w'\u2019-]*", sentence)
        for word in words[1:]:  # a sentence's first word is capitalised anyway
            if word[0].isupper() and fold(word) not in folded and word not in _PHRASING_WORDS:
                return False
    return True


def _date_forms(date: str | None) -> str:
    """An article's ISO date as the answers write it ("19 February 2024"); empty when there is none."""
    if not date:
        return ""
    try:
        return long_date(dt.date.fromisoformat(date))
    except ValueError:
        return ""


_PHRASING_WORDS = frozenset({"Yes", "No", "Once", "Twice"})
