"""The dimension of a measured amount: what a question asks for ("how tall" -> length, "what area" -> area,
"how much did it cost" -> money, "what percentage" -> a proportion) and what a candidate states ("75 metres" ->
length, "100 hectares" -> area, "40 per cent" -> a proportion), so that a height is not answered with an area,
a duration with a year, nor a share of the vote with a count of votes.

Units are read by pint, the units library, so any unit it knows is typed ("furlongs", "km/h", "square
miles"). The question side is the closed class of English measure adjectives and nouns, each tied to a
unit pint types; money is recognised by meaning, as kinds.py types nouns.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.answerer.asking import wh_word
from rag.answerer.kinds import word_vectors

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from rag.embedding import Embedder

MONEY = "money"
PERCENT = "percent"  # a proportion, whatever unit it is written in ("40 percent", "40 per cent", "40%")
_PROPORTION_WORDS = frozenset({"percentage", "percent", "proportion", "share"})  # "what share of the vote"
AGE = "age"  # a duration, or the bare number that gives an age ("Ada Byron, 45,")
_AGE_WORDS = frozenset({"old", "age"})
# English words that ask for a measure, with a unit of the dimension they ask for (general English, no corpus's).
_ASKING_UNIT = {
    "tall": "metre", "high": "metre", "deep": "metre", "far": "metre", "wide": "metre", "height": "metre",
    "depth": "metre", "distance": "metre", "altitude": "metre", "width": "metre", "elevation": "metre",
    "area": "hectare", "fast": "km/h", "quickly": "km/h", "speed": "km/h", "velocity": "km/h",
    "heavy": "kilogram", "weight": "kilogram", "mass": "kilogram", "duration": "hour", "hot": "kelvin",
    "cold": "kelvin", "temperature": "kelvin",
}  # fmt: skip
# "How long" asks for a duration when it asks how long something lasted, took or went on; "how long was it"
# may ask either (a meeting, a bridge), so it is left open.
_BE = "be"
_MONEY_WORDS = tuple("money cost price fee payment salary fine revenue profit prize dollars euros".split())
_MONEY_SIMILARITY = 0.55


def asked_dimension(doc: Doc, focus: Token | None, embedder: Embedder) -> str | None:
    """The dimension a "how <adjective>" / "how much" / "what <measure noun>" question asks for, or None."""
    wh = wh_word(doc)
    word = doc[wh.i + 1] if wh is not None and wh.lower_ == "how" and wh.i + 1 < len(doc) else None
    if word is not None and word.lower_ == "long":
        verbs = [t for t in doc if t.pos_ in ("VERB", "AUX") and t.dep_ in ("ROOT", "ccomp", "xcomp")]
        return None if not verbs or any(t.lemma_.lower() == _BE for t in verbs) else _unit_dimension("hour")
    if focus is not None and focus.tag_ == "NN" and focus.lemma_.lower() in _PROPORTION_WORDS:
        return PERCENT
    for asking in (word, focus):
        if asking is not None and asking.lemma_.lower() in _AGE_WORDS:
            return AGE
        if asking is not None and asking.lemma_.lower() in _ASKING_UNIT:
            return _unit_dimension(_ASKING_UNIT[asking.lemma_.lower()])
    if word is not None and word.lower_ == "much" and _asks_money(doc, word, embedder):
        return MONEY
    return None


def stated_dimension(span: Span) -> str | None:
    """The dimension of a figure: a proportion for a percentage, money for a sum of money, else that of the unit
    after its number."""
    if span.label_ == "PERCENT" or any(t.like_num and says_percent(t) for t in span):
        return PERCENT
    if span.label_ == "MONEY":
        return MONEY
    numbers = [t.i for t in span if t.like_num]
    if not numbers:
        return None
    words = [t.text for t in span if t.i > numbers[-1] and (not t.is_punct or t.text == "/")]
    doc = span.doc
    if not words and span.end < len(doc) and doc[span.end].pos_ == "NOUN":
        words = [doc[span.end].text]  # "75,781 acres" where the recogniser kept only the number
    for size in range(len(words), 0, -1):
        dimension = _phrase_dimension(" ".join(words[:size]))
        if dimension is not None:
            return dimension
    return None


def fits(span: Span, asked: str | None) -> bool:
    """A figure can answer: the question asks for no dimension, or the figure states that one. A bare number
    answers an age ("Ada Byron, 45,")."""
    if asked is None:
        return True
    stated = stated_dimension(span)
    if asked == AGE:
        return stated == _unit_dimension("year") or (stated is None and span.label_ in ("CARDINAL", "DATE"))
    return stated == asked


def says_percent(number: Token) -> bool:
    """ "40%", "40 percent", "40 per cent": the words straight after a number make it a percentage (the recogniser
    sometimes labels the last as money)."""
    after = " ".join(t.lower_ for t in number.doc[number.i + 1 : min(number.i + 3, number.sent.end)])
    return after.startswith(("%", "percent", "per cent"))


def _asks_money(doc: Doc, much: Token, embedder: Embedder) -> bool:
    """ "How much money / did it cost / did they pay": a noun or verb after "much" means money."""
    words = [t.lemma_.lower() for t in doc[much.i + 1 :] if t.pos_ in ("NOUN", "VERB")]
    if not words:
        return False
    similarities = embedder.embed(words) @ word_vectors(_MONEY_WORDS, embedder).T
    return float(np.max(similarities)) >= _MONEY_SIMILARITY


@functools.lru_cache(maxsize=4096)
def _phrase_dimension(phrase: str) -> str | None:
    """pint's dimensionality of a unit phrase ("square kilometres" -> area); None for no unit or a pure number."""
    try:
        quantity = _registry().parse_expression(phrase.lower())
    except Exception:  # not a unit: pint raises several kinds of error on ordinary words
        return None
    dimensionality = getattr(quantity, "dimensionality", None)
    if not dimensionality:
        return None
    return str(dimensionality)


@functools.cache
def _unit_dimension(unit: str) -> str:
    return str(_registry().parse_expression(unit).dimensionality)


@functools.cache
def _registry() -> Any:
    import pint

    return pint.UnitRegistry()
