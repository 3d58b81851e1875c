"""Candidates: every entity of the expected type in the evidence sentences, minus what the question names."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from rag.answerer import measures
from rag.answerer.evidence import Evidence, key_of
from rag.answerer.phrases import focus_phrases
from rag.answerer.question import Question
from rag.entity_spans import scorelines
from rag.language import number_value, numbers_in, resolve_date
from rag.text import fold

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_NUMERIC = frozenset({"CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"})
FIGURE_LABELS = _NUMERIC | {"DATE", "TIME"}  # the recogniser's labels of figures


@dataclass
class Candidate:
    evidence: Evidence
    span: Span  # inside the evidence sentence's parse
    label: str
    features: dict[str, float] = field(default_factory=dict)
    probability: float = 0.0

    @property
    def text(self) -> str:
        return self.span.text.removesuffix("\u2019s").removesuffix("'s").strip()

    @property
    def start(self) -> int:
        """Document offset."""
        return self.evidence.offset + self.span.start_char

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @cached_property
    def value(self) -> str:
        """What two mentions of the same answer share ('nine' and '9', 'Ada Byron' and 'Byron', 'Tuesday' and
        'Nov. 21' in an article of 22 November); compared pairwise while ranking, so computed once. A figure is
        every number it states ('$1.5 billion': 1.5 and a billion), so '$2 billion' is another answer."""
        if self.label in _NUMERIC:
            numbers = sorted(numbers_in(self.text))
            if numbers:
                return " ".join(f"{n:g}" for n in numbers)
        if self.label in ("DATE", "TIME"):
            day = resolve_date(self.text, self.evidence.passage.chunk.date)
            if day is not None:
                return day.isoformat()
        if self.label == "SCORE":
            return fold(self.text)
        if self.label == "PERSON":
            return name_key(self.span.text)
        return whole_name_key(self.span.text)


def name_key(name: str) -> str:
    """What mentions of one person share: the last word, folded, without a possessive ('Ada Byron's' -> 'byron')."""
    words = _name_words(name)
    return words[-1] if words else ""


def whole_name_key(name: str) -> str:
    """What mentions of one place or body share: every word, folded, without a leading article or a possessive.
    Two places are not one for sharing a last word ("North Velmar", "South Velmar")."""
    words = _name_words(name)
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def _name_words(name: str) -> list[str]:
    """A name's words, folded, without a possessive ('Ada Byron's' -> ['ada', 'byron'])."""
    return fold(name.removesuffix("\u2019s").removesuffix("'s")).split()


def extract(question: Question, evidence: list[Evidence]) -> list[Candidate]:
    found: list[Candidate] = []
    for item in evidence:
        found.extend(_in_sentence(question, item))
    if any(c.label == "SCORE" for c in found):
        # A scoreline is the whole answer to "what was the score": a lone number is one only when none is found.
        found = [c for c in found if c.label == "SCORE"]
    return found


def _in_sentence(question: Question, item: Evidence) -> list[Candidate]:
    labels = set(question.labels)
    if not labels:
        return []
    sentence = item.span
    found = [Candidate(item, ent, ent.label_) for ent in sentence.ents if ent.label_ in labels and not _misnamed(ent)]
    if question.kind == "count":
        found = [c for c in found if _may_count(question, c)]
    if question.kind == "date":
        found = [c for c in found if _may_date(question, c)]
    if question.dimension is not None:
        found = [c for c in found if measures.fits(c.span, question.dimension)]
    if question.kind == "amount":
        found = [c for c in found if not _unasked_rate(c.span, question)]
    if "SCORE" in labels:
        found.extend(Candidate(item, span, "SCORE") for span in scorelines(sentence))
    if "NAME" in labels:
        found.extend(Candidate(item, span, "NAME") for span in _unlabelled_names(sentence, labels))
    if "PHRASE" in labels and question.focus is not None:
        named = {(c.span.start, c.span.end) for c in found}
        phrases = focus_phrases(question.focus, sentence, {question.focus, *question.terms})
        found.extend(Candidate(item, span, "PHRASE") for span in phrases if (span.start, span.end) not in named)
    if question.kind == "count":
        covered = {t.i for ent in sentence.ents for t in ent}
        for token in sentence:
            # A number the entity recogniser missed, standing alone (not inside a date, a name or an amount).
            if token.like_num and token.i not in covered and number_value(token.text) is not None:
                found.append(Candidate(item, sentence.doc[token.i : token.i + 1], "CARDINAL"))
    return [c for c in found if c.text and not _named_in_question(c, question)]


def _misnamed(ent: Span) -> bool:
    """A person's name written with digits is the recogniser's slip ("Velmar 44-6" as a person): no one's
    name holds a figure."""
    return ent.label_ == "PERSON" and any(ch.isdigit() for ch in ent.text)


def _unasked_rate(span: Span, question: Question) -> bool:
    """ "$95 per share": a figure per unit, which answers "how much per share" or "for each share", not "how
    much did they pay" (the total). "5 per cent" is a share, not a rate."""
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    if after is None or after.lower_ != "per" or span.end + 1 >= len(doc):
        return False
    unit = doc[span.end + 1]
    if unit.lower_ in ("cent", "centum"):
        return False
    return not ({"per", "each", fold(unit.text)} & question.surface)


def _named_in_question(candidate: Candidate, question: Question) -> bool:
    numbers = [t for t in candidate.span if t.like_num]
    if numbers and (candidate.label in FIGURE_LABELS or candidate.label == "SCORE"):
        # "41 days" answers "how many days": only the number can be the question's own; a name with a number in
        # it ("the 96th Velmar Awards") is checked by its words below
        return all(fold(t.text) in question.surface for t in numbers)
    words = [t for t in candidate.span if t.is_alpha and not t.is_stop]
    if not words:
        return fold(candidate.text) in question.surface
    if len(words) > 1 and key_of(words[-1]) == question.focus:
        words = words[:-1]  # "Which stadium?": "Velmar Stadium" is of the asked kind, not named by the question
    # "Ada Byron" is named by a question that says "Byron", and "Marrowco" by one that types "marrowcos".
    if words[-1].pos_ == "PROPN" and _said(words[-1], question):
        return True
    return all(_said(w, question) for w in words)


def _said(token: Token, question: Question) -> bool:
    """The question has the word, as typed or in another form of it."""
    if fold(token.text) in question.surface:
        return True
    return token.pos_ == "PROPN" and key_of(token) in question.terms


def _may_count(question: Question, candidate: Candidate) -> bool:
    if _names_by_number(candidate.span):
        return False
    if candidate.label == "ORDINAL":
        return _counts_occasions(question)  # "the first case" is no count of cases
    if candidate.label in ("DATE", "TIME"):
        # "41 days" counts days; "2023" counts nothing.
        return question.focus is not None and any(key_of(t) == question.focus for t in candidate.span)
    return True


def _may_date(question: Question, candidate: Candidate) -> bool:
    """An ordinal names a point in time standing for a day or a unit ("on the 5th", "in the 83rd") or as the
    asked unit's ("in which minute": "the 83rd minute"); not as a rank of something else ("the second prime
    minister" does not answer "When will she be sworn in?"). A bare number below a thousand is no date either
    ("Ruiz, 23," is an age the recogniser took for a date); a year is."""
    span = candidate.span
    if candidate.label == "ORDINAL":
        root = span.root
        return root.dep_ == "pobj" or (root.dep_ == "amod" and key_of(root.head) == question.focus)
    if len(span) == 1 and span[0].like_num:
        value = number_value(span[0].text)
        return value is None or value >= 1000
    return True


def _names_by_number(span: Span) -> bool:
    """A number straight after a common noun names one of its kind ("flight 516", "the clade 1 virus", "in round
    2"): a count comes before what it counts."""
    first = span[0]
    if not first.like_num or first.i == 0:
        return False
    before = span.doc[first.i - 1]
    return before.pos_ == "NOUN" and before.text[:1].islower() and bool(before.whitespace_)


def _counts_occasions(question: Question) -> bool:
    """ "How many times / how often": an ordinal ("his ninth visit") counts the occasions."""
    return question.focus in (None, "time") or question.focus == question.event


def _unlabelled_names(sentence: Span, labels: set[str]) -> list[Span]:
    """Runs of proper nouns not inside any entity. A sentence's capitalised first word alone is no name; followed
    by another proper noun it starts one ("Centerview Partners is acting ...")."""
    taken = {t.i for ent in sentence.ents for t in ent}
    if len(sentence) < 2 or sentence[1].pos_ != "PROPN":
        taken.add(sentence.start)
    runs, current = [], []
    for token in sentence:
        if token.pos_ == "PROPN" and token.i not in taken:
            current.append(token)
            continue
        if current:
            runs.append(sentence.doc[current[0].i : current[-1].i + 1])
        current = []
    if current:
        runs.append(sentence.doc[current[0].i : current[-1].i + 1])
    return runs
