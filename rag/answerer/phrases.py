"""Things a "which <noun>" question asks for that the recogniser does not name: what the sentence says the
asked noun is, read off the parse around that noun. "its payment networks, Zentra, Pulsar and Orbix Club" (an
apposition and its conjuncts), "the Quarra and Velin platforms" (proper-noun modifiers), "the flight data
recorder and the cockpit voice recorder" (the noun itself, told apart by its compounds)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag.answerer.evidence import key_of

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_MODIFIERS = frozenset({"compound", "amod", "nmod", "flat"})
_LEADING = frozenset({"DET", "NUM", "PUNCT", "PRON"})  # "an orbiter", "one cockpit voice recorder"


def focus_phrases(focus: str, sentence: Span, asked: frozenset[str] | set[str] = frozenset()) -> list[Span]:
    """Spans the sentence gives as instances of the asked noun (`focus`, a term key), in sentence order; not one
    whose every word the question has (`asked`, term keys): "payment networks" restates the question."""
    found: dict[tuple[int, int], Span] = {}
    for token in sentence:
        if key_of(token) != focus or token.pos_ not in ("NOUN", "PROPN"):
            continue
        heads = [c for c in token.children if c.dep_ == "appos"]
        heads += [c for c in token.lefts if c.dep_ in _MODIFIERS and c.pos_ == "PROPN"]
        if not heads and any(c.dep_ == "compound" and key_of(c) not in asked for c in token.lefts):
            heads.append(token)  # its compounds tell one instance from another
        for head in heads:
            for member in (head, *head.conjuncts):
                span = _phrase(member, sentence)
                if span is not None and any(t.is_alpha and key_of(t) not in asked for t in span):
                    found.setdefault((span.start, span.end), span)
    return [found[k] for k in sorted(found)]


def _phrase(token: Token, sentence: Span) -> Span | None:
    """The token with the modifiers before it, without a leading article or number."""
    start = token.i
    for child in token.lefts:
        if child.dep_ in _MODIFIERS or (child.dep_ == "poss" and child.pos_ == "PROPN"):
            start = min(start, child.left_edge.i)
    while start < token.i and sentence.doc[start].pos_ in _LEADING:
        start += 1
    if start < sentence.start or token.i >= sentence.end:
        return None
    span = sentence.doc[start : token.i + 1]
    return span if any(t.is_alpha for t in span) else None


def enumerated_with(token: Token) -> set[int]:
    """The tokens listed alongside this one: its conjuncts, and when the list is in apposition to a noun, every
    apposition of that noun with its conjuncts ("four parts, an orbiter, a lander, an ascender and a returner")."""
    members = {t.i for t in token.conjuncts}
    first = min([token, *token.conjuncts], key=lambda t: t.i)
    if first.dep_ == "appos":
        for sibling in first.head.children:
            if sibling.dep_ == "appos":
                members |= {sibling.i, *(t.i for t in sibling.conjuncts)}
    members.discard(token.i)
    return members
