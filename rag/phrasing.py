"""How the answer is said: the phrase for each kind, "as of", agreement between accounts."""

from __future__ import annotations

import re

from rag import clauses, extract
from rag.evidence import Evidence
from rag.matching import covers
from rag.picking import asked_numbers, asks_plural, coordinated, number_verdict
from rag.question import Question, asked_name, negated
from rag.text import content_terms, fold

_PRESENT = re.compile(r"\b(is|are|has|have|does|do|currently|now|still|so far)\b", re.I)


def finish_sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "\u201d", '"')) else text + "."


def accounts_agree(question: Question, first: Evidence, second: Evidence) -> bool:
    if question.kind == "date" and first.best and second.best:
        dates = (first.best, first.passage.chunk.date, second.best, second.passage.chunk.date)
        return extract.dates_agree(*dates)
    return answer_value(first) == answer_value(second)


def answer_value(item: Evidence) -> str:
    return item.best.value if item.best else fold(item.sentence.text)


def phrase_answer(question: Question, item: Evidence) -> str:
    if question.kind == "yesno":
        if asked_numbers(question) and number_verdict(question, item.sentence.text) is False:
            return "No."
        clause = _predicate_clause(question, item.sentence.text)
        return "No." if negated(clause) != negated(question.text) else "Yes."
    if question.kind == "description" or item.best is None:
        return item.sentence.text
    if question.kind == "role":
        return f"{asked_name(question.text)} is {item.best.phrase}"
    if question.kind in ("place", "person") and asks_plural(question):
        names = list(dict.fromkeys(c.phrase for c in coordinated(item.best, item)))
        phrase = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    else:
        phrase = item.best.phrase
    return phrase[0].upper() + phrase[1:]


def _predicate_clause(question: Question, sentence: str) -> str:
    """The clause that says what a yes/no question asks of its subject: in "The Ministry stated that
    'Cuba is not part of the conflict' and rejected 'mercenarism'", the 'not' does not answer
    "Did the Ministry reject mercenarism?"."""
    subject = re.match(r"\W*\w+\s+(?:the\s+)?((?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f'-]*\s*)+)", question.text)
    subject_terms = set(content_terms(subject.group(1))) if subject else set()
    predicate = [t for t in question.terms if t not in subject_terms] or list(question.terms)
    parts = clauses.clauses(sentence)
    if len(parts) < 2:
        return sentence
    return max(parts, key=lambda part: sum(covers(t, set(content_terms(part))) for t in predicate))


def as_of(question: Question, item: Evidence) -> str:
    """Counts and present-tense facts change over time: say when the article said so."""
    date = item.passage.chunk.date
    timely = question.kind == "count" or _PRESENT.search(question.text)
    if not date or not timely or question.kind in ("date", "description", "yesno"):
        return ""
    year, month, day = date.split("-")
    months = "January February March April May June July August September October November December".split()
    return f", as of {int(day)} {months[int(month) - 1]} {year}"


def accounts_by_document(usable: list[Evidence]) -> list[Evidence]:
    """The best evidence of each document that is nearly as strong as the best overall."""
    found: dict[str, Evidence] = {}
    for item in usable:
        doc_id = item.passage.chunk.doc_id
        if doc_id not in found and item.score >= 0.85 * usable[0].score:
            found[doc_id] = item
    return list(found.values())
