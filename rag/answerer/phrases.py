"""Things a "which <noun>" question asks for that the recogniser does not name: what the sentence says the
asked noun is, read off the parse around that noun. "its payment networks, Zentra, Pulsar and Orbix Club" (an
apposition and its conjuncts), "the Quarra and Velin platforms" (proper-noun modifiers), "the flight data
recorder and the cockpit voice recorder" (the noun itself, told apart by its compounds), "sectors such as
transport and farming" (examples), "the political and economic spheres" (listed adjectives)."""

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
        heads += _examples(token) + _listed_adjectives(token)
        if not heads and any(c.dep_ == "compound" and key_of(c) not in asked for c in token.lefts):
            heads.append(token)  # its compounds tell one instance from another
        for head in heads:
            for member in (head, *head.conjuncts):
                span = _phrase(member, sentence)
                if span is not None and any(t.is_alpha and key_of(t) not in asked for t in span):
                    found.setdefault((span.start, span.end), span)
    return [found[k] for k in sorted(found)]


def _examples(noun: Token) -> list[Token]:
    """What a preposition of example gives for the noun: "sectors such as transport, logistics and farming",
    "categories including costume design", "firms like Zentra"; and a list after "of": "shortages of food,
    medicine and fuel" (one noun after "of" is what the noun is of, not a kind of it: "the price of oil")."""
    found = []
    for prep in (c for c in noun.children if c.dep_ == "prep"):
        word = prep.lower_
        for obj in (c for c in prep.children if c.dep_ == "pobj"):
            exemplifies = word in ("including", "like") or (
                word == "as" and any(t.lower_ == "such" for t in prep.lefts)
            )
            if exemplifies or (word == "of" and obj.pos_ == "NOUN" and obj.conjuncts):
                found.append(obj)
    return found


def _listed_adjectives(noun: Token) -> list[Token]:
    """Adjectives listed before the noun: "the political, economic and cultural spheres" (one alone, "strategic
    sectors", describes the noun rather than naming its kinds)."""
    adjectives = [c for c in noun.lefts if c.dep_ == "amod" and c.pos_ == "ADJ"]
    listed = {t.i for a in adjectives for t in (a, *a.conjuncts)}
    return adjectives if len(listed) > 1 else []


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
    apposition of that noun with its conjuncts ("four parts, an orbiter, a lander, an ascender and a returner").
    A name in apposition to a listed noun stands for it ("co-founder Gary Venn and his girlfriend Ana Ruiz":
    the name is the girlfriend's apposition, the girlfriend the co-founder's conjunct). Adjectives listed before
    one noun are listed with each other."""
    item = token.head if token.dep_ == "appos" and token.head.conjuncts else token
    listed = [item, *item.conjuncts]
    members = {t.i for t in listed}
    first = min(listed, key=lambda t: t.i)
    if first.dep_ == "appos":
        for sibling in first.head.children:
            if sibling.dep_ == "appos":
                members |= {sibling.i, *(t.i for t in sibling.conjuncts)}
    members |= {child.i for t in listed for child in t.children if child.dep_ == "appos"}
    if first.dep_ == "amod":  # "the political, economic and cultural spheres": two adjectives of one noun
        for sibling in _listed_adjectives(first.head):
            members |= {sibling.i, *(t.i for t in sibling.conjuncts)}
    members -= {token.i, item.i}
    return members
