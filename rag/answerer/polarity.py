"""Yes or no, read from the evidence sentence: negation of the asked predicate, and any number or
ordinal the question states ("Is this his first visit?") checked against the sentence's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag.answerer.evidence import Evidence, key_of
from rag.answerer.question import Question
from rag.language import number_value, numbers_in

if TYPE_CHECKING:
    from spacy.tokens import Token

# Words that deny what they govern, besides the parser's "neg" arcs (a closed class of English).
_DENYING = frozenset({"without", "fail", "refuse", "deny", "reject", "never", "no", "neither", "nor", "decline"})


def yes_or_no(question: Question, item: Evidence) -> str:
    stated = question.stated_numbers
    if stated and not stated <= numbers_in(item.sentence.text):
        return "No"
    if question.asks_precedent and not question.negated and _says_first(item):
        return "No"  # "Had anyone landed there before?" - "the first to land there"
    if _asks_whole(question) and _states_part(question, item):
        return "Yes" if question.negated else "No"  # "Is the fire fully contained?" - "60 per cent contained"
    return "No" if _negated(question, item) != question.negated else "Yes"


# Closed classes of English: words that ask about the whole of something, and words that give only part of it.
_WHOLE = frozenset({"fully", "completely", "entirely", "totally", "wholly", "whole", "entire", "all", "every"})
_PART = frozenset({"most", "partly", "partially", "part", "half", "some", "majority"})


def _asks_whole(question: Question) -> bool:
    return bool(question.surface & _WHOLE)


def _states_part(question: Question, item: Evidence) -> bool:
    """A share short of the whole, said of what the question asks about: "most of the opinion", "partly
    contained", "60 per cent contained" (below 100); not a share of something else in the same sentence."""
    asked = _asked_predicate(question)
    return any(_is_part(token) and _said_of(token, asked, item) for token in item.span)


def _is_part(token: Token) -> bool:
    if token.lower_ in _PART and token.dep_ != "amod":
        return True
    if not token.like_num:
        return False
    after = " ".join(t.lower_ for t in token.doc[token.i + 1 : min(token.i + 3, token.sent.end)])
    value = number_value(token.text) if after.startswith(("%", "percent", "per cent")) else None
    return value is not None and value < 100


def _said_of(token: Token, asked: set[str], item: Evidence) -> bool:
    """The share is said of the asked thing: its noun phrase ("60 per cent contained", "most of the opinion") or
    the verb that governs the phrase holds a word of the question's predicate; not the clause next to it."""
    phrase = token
    while phrase.head.i != phrase.i and phrase.head.pos_ not in ("VERB", "AUX"):
        phrase = phrase.head
    verb = [phrase.head] if phrase.head.i != phrase.i else []
    return _reaches([t for t in [*phrase.subtree, *verb] if t.i != token.i], asked, item)


def _says_first(item: Evidence) -> bool:
    return any(e.label_ == "ORDINAL" and number_value(e.text) == 1 for e in item.span.ents)


def _negated(question: Question, item: Evidence) -> bool:
    """Whether the sentence denies the predicate the question asks about (not some side clause)."""
    asked = _asked_predicate(question)
    for token in item.span:
        if token.dep_ != "neg" and token.lemma_.lower() not in _DENYING and not _counterfactual(token):
            continue
        if _reaches(_governed(token), asked, item):
            return True
    return False


def _asked_predicate(question: Question) -> set[str]:
    """The asked predicate's term keys: its verb and the words it governs ("sign ... an agreement")."""
    return ({question.event} if question.event else set()) | set(question.terms) - set(question.names)


def _reaches(tokens: list[Token], asked: set[str], item: Evidence) -> bool:
    """Some of the tokens say the asked predicate: one of its words, or the event verb in other words."""
    return any(key_of(t) in asked or t.i in item.event_tokens for t in tokens)


def _counterfactual(verb: Token) -> bool:
    """ "Victory would have brought a title": a modal with the perfect tells what did not happen."""
    auxiliaries = {child.lemma_.lower() for child in verb.children if child.dep_ == "aux"}
    return "have" in auxiliaries and bool(auxiliaries & _MODALS)


_MODALS = frozenset({"would", "could", "might"})  # closed class: the modals of an unreal past


def _governed(token: Token) -> list[Token]:
    """The words a negation reaches: its head and the head's subtree, or its own subtree."""
    if _counterfactual(token):
        return [token, *token.subtree]
    head = token.head if token.dep_ in ("neg", "det", "advmod") else token
    if token.dep_ == "det" and head.dep_ in ("nsubj", "nsubjpass"):
        head = head.head  # "No one had been seated": a denied subject denies its clause
    return [head, *head.subtree]
