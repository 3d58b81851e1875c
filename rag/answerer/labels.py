"""What kind of thing a name is, read off every mention of it in the passages the reader has: the small
recogniser slips on one mention now and then (a surname as an organisation), seldom on all of them. And which
kinds of name cannot answer a question's kind: a country is no answer to "who", nor a person to "where"."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rag.answerer.candidates import Candidate, name_key
from rag.answerer.kinds import AnswerKind
from rag.answerer.question import Question

if TYPE_CHECKING:
    from spacy.tokens import Span

    from rag.answerer.evidence import Evidence

_NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}
)  # fmt: skip
# Labels that name another kind of thing than the question asks for. Not every label outside the first tier:
# an organisation may be named after a person, a team by its country, a venue labelled as an organisation.
CLASHING: dict[AnswerKind, frozenset[str]] = {
    "person": frozenset({"GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}),
    "place": frozenset({"PERSON", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}),
    "organisation": frozenset({"LOC", "WORK_OF_ART", "EVENT", "LAW"}),
}

Mentions = dict[str, Counter[str]]


def mention_labels(evidence: list[Evidence]) -> Mentions:
    """The labels the recogniser gave each name (by its last word, as answers are compared) across sentences."""
    found: Mentions = {}
    for item in evidence:
        for ent in item.span.ents:
            if ent.label_ in _NAME_LABELS and (key := name_key(ent.text)):
                found.setdefault(key, Counter())[ent.label_] += 1
    return found


def usual_label(span: Span, label: str, mentions: Mentions) -> str:
    """The label most of the name's mentions carry; its own when none is more common."""
    counts = mentions.get(name_key(span.text), Counter())
    if not counts:
        return label
    best, count = counts.most_common(1)[0]
    return label if counts[label] >= count else best


def clashes(kind: AnswerKind, span: Span, label: str, mentions: Mentions) -> bool:
    """The name is of another kind than asked: its own label and its mentions' usual label both say so."""
    wrong = CLASHING.get(kind, frozenset())
    return label in wrong and usual_label(span, label, mentions) in wrong


def of_asked_kind(question: Question, candidates: list[Candidate], mentions: Mentions) -> list[Candidate]:
    """The candidates that may be of the asked kind: not those whose label and usual label say another kind,
    nor, for a person, place or organisation, a nationality said as an adjective ("the Ostrandian president")."""
    return [
        c for c in candidates
        if (not clashes(question.kind, c.span, c.label, mentions) or _names_a_thing(c.span))
        and not (question.kind in CLASHING and _is_adjective(c.span))
    ]  # fmt: skip


def _is_adjective(span: Span) -> bool:
    """ "Ostrandian" in "the Ostrandian foreign minister": it says where the minister serves, not who; "the
    Ostrandians" is a noun and may answer "who"."""
    return span.root.pos_ == "ADJ"


def _names_a_thing(span: Span) -> bool:
    """A name modifying a common noun ("the <name> nuclear complex") names that thing, whatever the recogniser
    guessed from the bare word: its label is no evidence of its kind."""
    root = span.root
    return root.dep_ in ("compound", "nmod") and root.head.pos_ == "NOUN"
