"""Whether a sentence can support an answer: strict terms, the asked verb and head, other entities."""

from __future__ import annotations

import itertools
import re

from rag import clauses
from rag.evidence import Evidence, Lexicon
from rag.matching import covers, question_names
from rag.question import Question
from rag.text import STOPWORDS, content_terms, fold


def tolerable(uncovered: list[str], question: Question) -> bool:
    """One unsupported term may be a loose verb ('face') or a typo, never a name, nor the role a
    named answer must fill ('ambassador'), and not in a short question."""
    if not uncovered:
        return True
    if len(uncovered) > 1 or len(question.terms) < 3:
        return False
    if question.kind in ("person", "organisation") and asks_role(question):
        return False  # "Who is the ambassador...": the role itself must be in the evidence
    if uncovered[0] == asked_head(question):
        return False  # "What is the name of the president's wife?": the wife must be in the evidence
    if question.kind == "date" and uncovered[0] == asked_verb(question):
        return False  # "When did Russia invade Ukraine?": a date of something else is no answer
    return uncovered[0] not in question_names(question)


_ASKED_PHRASE = re.compile(
    r"^(?:who|what|which)(?:'s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+)?(?:name\s+of\s+(?:the\s+)?)?([^?]*)"
)
_PHRASE_END = re.compile(r"\s(?:for|of|to|in|at|from|with|who|that|which|on|by|after|before|since|during)\s")
_VERBAL_QUESTION = re.compile(
    r"^(?:when|what|in what year|in which year|what year|which year|on what date)\s+(?:did|does|do|will|would)\s+(.+)",
    re.I,
)
_WHO_VERB = re.compile(
    r"^who\s+(?!(?:is|was|are|were|did|does|do|will|would|has|have|had|can|could)\b)([a-z]+)\b", re.I
)


def asked_verb(question: Question) -> str | None:
    """The event a "when did / what did <Subject> <verb>" question asks about: the first word after
    the capitalised subject ("visit" in "When did Putin visit Cuba?"); or the verb of "who <verb>"
    ("invited" in "Who invited Lavrov to Venezuela?")."""
    who = _WHO_VERB.match(question.text.strip())
    if who:
        terms = content_terms(who.group(1))
        return terms[0] if terms else None
    match = _VERBAL_QUESTION.match(question.text.strip())
    if not match:
        return None
    words = re.findall(r"[\w\u00c0-\u024f'\u2019-]+", match.group(1))
    while words and (words[0][0].isupper() or fold(words[0]) in ("the", "and", "a", "an")):
        words = words[1:]
    terms = content_terms(words[0]) if words else []
    return terms[0] if terms else None


_DETERMINERS = frozenset("the a an of on in to for about with from his her its their this that these those".split())


def object_nouns(question: Question) -> set[str]:
    """The question's terms that follow a determiner or preposition ("the debt", "of Ukraine"): nouns
    the answer must be about, unlike a loose verb ("does the program last")."""
    words = re.findall(r"[\w\u00c0-\u024f'\u2019-]+", fold(question.text))
    nouns = set()
    for previous, word in itertools.pairwise(words):
        if previous in _DETERMINERS and word not in _DETERMINERS:
            nouns.update(content_terms(word))
    return nouns & set(question.terms)


def asked_head(question: Question) -> str | None:
    """The noun a "what/who is the ..." question asks about: "wife" in "What is the name of the
    Cuban president's wife?", "spokesperson" in "Who is the spokesperson for the ministry?"."""
    match = _ASKED_PHRASE.match(fold(question.text).strip())
    if not match:
        return None
    phrase = _PHRASE_END.split(f" {match.group(1)} ")[0]
    terms = content_terms(phrase)
    return terms[-1] if terms else None


def asks_role(question: Question) -> bool:
    """ "Who is the ambassador?", "Which official was ...": the answer fills a named role."""
    return bool(re.match(r"(who|which \w+|what \w+) (is|was|are|were)\b", fold(question.text)))


def names_another_entity(question: Question, item: Evidence, lexicon: Lexicon) -> bool:
    """The evidence names a different one of what the question asks about: the question's "Cuban
    Foreign Ministry" against the sentence's (or its referent's) "Russian Foreign Ministry"."""
    phrases = clauses.capitalised_phrases(item.sentence.text) + item.referent_phrases
    for asked in clauses.capitalised_phrases(question.text):
        *asked_modifiers, head = [fold(w) for w in asked.split()]
        for phrase in phrases:
            words = [fold(w) for w in phrase.split()]
            if head not in words:
                continue
            modifiers = set(words[: words.index(head)]) - STOPWORDS
            only_asked = set(asked_modifiers) - modifiers
            only_found = modifiers - set(asked_modifiers)
            if any(_is_nationality(w, lexicon) for w in only_asked) and any(
                _is_nationality(w, lexicon) for w in only_found
            ):
                return True
    return False


def _is_nationality(word: str, lexicon: Lexicon) -> bool:
    return word in lexicon.places or word.endswith(("an", "ese", "ish"))


def name_only_in_side_clause(question: Question, item: Evidence) -> bool:
    """A name the question asks about, found in this sentence only inside a relative clause that
    does not hold the answer, is about someone else: "Lavrov's ninth visit to the Island ...,
    who will later travel to Venezuela and Brazil" does not count visits to Brazil."""
    best = item.best
    spans = clauses.relative_clauses(item.sentence.text)
    if best is None or not spans:
        return False
    main_terms = set(content_terms(clauses.outside(spans, item.sentence.text, best.start)))
    sentence_terms = set(content_terms(item.sentence.text))
    return any(
        covers(name, sentence_terms) and not covers(name, main_terms) and not covers(name, item.context_terms)
        for name in question_names(question)
        if name in question.terms
    )
