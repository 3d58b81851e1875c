""" "Who is <name>?": the role the evidence gives beside the name (apposition, title, predicate)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag.answerer.evidence import Evidence
from rag.text import fold

if TYPE_CHECKING:
    from spacy.tokens import Token


def describe(name: str, item: Evidence) -> str | None:
    last = fold(name.split()[-1])
    token = next((t for t in item.span if fold(t.text) == last), None)
    if token is None:
        return None
    role = _appositive(token) or _title(token) or _predicate(token)
    return f"{name} is {role}" if role else None


def _appositive(token: Token) -> str | None:
    for child in token.children:
        if child.dep_ == "appos":
            return _text(child, exclude=token)
    if token.dep_ == "appos":
        return _text(token.head, exclude=token)
    return None


def _title(token: Token) -> str | None:
    """Words before the name that are not part of it: "Foreign Minister Bruno Rodriguez"."""
    entity = next((ent for ent in token.doc.ents if ent.start <= token.i < ent.end), None)
    name_tokens = {t.i for t in entity} if entity is not None else {token.i}
    lefts = [t for t in token.lefts if t.i not in name_tokens and t.dep_ in ("compound", "amod", "nmod")]
    if not lefts:
        return None
    start = min(t.left_edge.i for t in lefts)
    end = max(t.i for t in lefts) + 1
    words = token.doc[start:end]
    return words.text if any(t.pos_ in ("NOUN", "PROPN") for t in words) else None


def _predicate(token: Token) -> str | None:
    head = token.head
    if token.dep_ == "nsubj" and head.lemma_ == "be":
        for child in head.children:
            if child.dep_ == "attr":
                return _text(child)
    return None


def _text(token: Token, exclude: Token | None = None) -> str:
    skip = {t.i for t in exclude.subtree} if exclude is not None else set()
    words = [t for t in token.subtree if t.i not in skip and not t.is_punct]
    return " ".join(t.text for t in words)
