"""The short answer inside one evidence sentence, and which sentence's answer leads."""

from __future__ import annotations

import re

from rag import extract, roles
from rag.evidence import Evidence, Lexicon, local_matches, words_around
from rag.extract import Candidate
from rag.matching import covers
from rag.question import SYNONYMS, Question, asked_name
from rag.support import asks_role
from rag.text import NUMBER_PATTERN, content_terms, fold, is_ordinal, number_value, stem

_PROSPECTIVE_QUESTION = re.compile(r"\b(will|going to|next|after)\b", re.I)
_RETROSPECTIVE = re.compile(r"\b(previous|previously|last|earlier|ago|former|formerly|past)\b", re.I)
_PROSPECTIVE = re.compile(r"\b(will|would|later|next|then|upcoming|plans?|planned|scheduled)\b", re.I)
_FUTURE = re.compile(r"\b(will|would|shall|expected|scheduled|due to|set to|plans?|planned|upcoming|next)\b", re.I)
_IRREGULAR_PLURALS = frozenset({"people", "men", "women", "children", "police", "staff", "personnel"})
_PAST_VERB = re.compile(r"\b(\w{3,}ed|went|made|met|took|came|began|said|held|left|saw|gave)\b", re.I)


def find_candidates(question: Question, sentence: str, lexicon: Lexicon) -> list[Candidate]:
    kind = question.kind
    if kind == "count":
        found = extract.counts(sentence, wants_times=bool(re.search(r"\btimes?\b", fold(question.text))))
        found = [c for c in found if _counts_what_is_asked(question, c)]
    elif kind == "date":
        found = extract.dates(sentence)
        if re.search(r"\bwill\b", fold(question.text)):
            # A future date is told as one ("will", "is expected"); "continues through February 22" is not.
            found = [c for c in found if not _is_past(c, sentence)] if _FUTURE.search(sentence) else []
    elif kind == "person":
        found = extract.people(sentence, lexicon.places, lexicon.common_words)
        if not asks_role(question):
            # "Who said...?", "Who backs...?": a ministry, or the agent after "by" ("backed by Havana"), can be who.
            agents = [c for c in extract.names(sentence) if re.search(r"\bby\s+$", sentence[: c.start])]
            for extra in [*extract.organisations(sentence), *agents]:
                overlaps = any(
                    c.start < extra.start + len(extra.text) and extra.start < c.start + len(c.text) for c in found
                )
                if not overlaps and extra.value not in extract.PLACE_EPITHETS:
                    found.append(extra)
    elif kind == "role":
        return roles.roles(sentence, asked_name(question.text) or "")
    elif kind == "place":
        found = extract.places(sentence, lexicon.places)
    elif kind == "organisation":
        found = extract.organisations(sentence)
    elif kind == "list":
        found = extract.enumerations(sentence)
    else:
        return []
    if kind in ("place", "person") and _PROSPECTIVE_QUESTION.search(question.text):
        # "Where will he go after Cuba?" is not answered by "his previous stay in Havana".
        found = [c for c in found if not _RETROSPECTIVE.search(words_around(sentence, c, before=6, after=4))]
    asked = fold(question.text)
    # The answer is what the question does not already name ("which ministry" may name a ministry).
    kind_word = re.search(r"\b(?:which|what)\s+(\w+)", asked)
    terms = tuple(t for t in question.terms if not kind_word or t != stem(kind_word.group(1)))
    return [c for c in found if not _named_in_question(c, asked, terms)]


def _counts_what_is_asked(question: Question, candidate: Candidate) -> bool:
    """'How many Cuban mercenaries...' is not answered by '17 people': a count's noun must be one
    the question counts. For 'how many times has he visited', an ordinal's noun must be the event
    asked about: 'ninth visit', 'second trip', not 'the first leg'."""
    asked = re.search(r"\b(?:how many|what number|which number)\s+((?:\S+\s*){1,3})", fold(question.text))
    unit = set(content_terms(candidate.text)) - {
        t for t in content_terms(candidate.text) if number_value(t) is not None
    }
    if not asked or not unit:
        return True
    if re.match(r"times?\b", asked.group(1)):
        return not is_ordinal(candidate.text.split()[0]) or any(covers(term, unit) for term in question.terms)
    # The counted noun is the first plural after "how many": "tourists" in "how many Russian tourists visit".
    plural = next((w for w in asked.group(1).split() if w.endswith("s") or w in _IRREGULAR_PLURALS), None)
    counted = content_terms(plural) if plural else content_terms(asked.group(1))
    return any(covers(term, unit) for term in counted)


def asked_numbers(question: Question) -> set[int]:
    """Numbers a yes/no question states ("Is this his first visit?" -> {1}); 'one of' is no number."""
    found = {number_value(m.group()) for m in NUMBER_PATTERN.finditer(question.text) if fold(m.group()) != "one"}
    return {v for v in found if v is not None}


def number_verdict(question: Question, sentence: str) -> bool | None:
    """Whether a sentence's count of what the question counts matches the question's number: True,
    False ("ninth visit" against "his first"), or None when it counts nothing the question asks about
    ("the first leg")."""
    relevant = [
        c for c in extract.counts(sentence, wants_times=False)
        if any(covers(t, set(content_terms(c.text)) - {c.value}) for t in question.terms if number_value(t) is None)
    ]  # fmt: skip
    if not relevant:
        return None
    return any(int(c.value) in asked_numbers(question) for c in relevant)


def _is_past(candidate: Candidate, sentence: str) -> bool:
    """No answer to 'when will': a date with a year (history by the time an article reports it),
    'last May', or a date told in the past tense ("traveled to Cuba on a Monday, February 19")."""
    if re.search(r"\b(19|20)\d{2}\b", candidate.text) or fold(candidate.text).startswith("last "):
        return True
    before = words_around(sentence, candidate, before=6, after=0)
    return bool(_PAST_VERB.search(before)) and not _PROSPECTIVE.search(before)


def _named_in_question(candidate: Candidate, asked: str, terms: tuple[str, ...]) -> bool:
    if fold(candidate.text) in asked:
        return True
    words = set(content_terms(candidate.text))
    if candidate.value.isdigit():
        return False
    return bool(words & (set(terms) | {w for t in terms for w in SYNONYMS.get(t, ())}))


def pick_candidate(question: Question, item: Evidence) -> Candidate | None:
    """The candidate tied to the question's words: one of them must stand close by."""
    text = fold(item.sentence.text)
    anchors = [m.start() for t in question.terms for m in re.finditer(re.escape(t[:5]), text)] or [0]

    def rank(candidate: Candidate) -> float:
        distance = min(abs(candidate.start - a) for a in anchors) / 40
        # Words right next to the candidate ("presidential adviser Maxim Oreshkin") count twice.
        near = local_matches(candidate, item.sentence.text, question.terms, window=3)
        bonus = 2.0 * (near + local_matches(candidate, item.sentence.text, question.terms))
        if question.kind == "date":
            bonus += extract.date_specificity(candidate) + 2.0 * _marks_asked_boundary(
                question, item.sentence.text, candidate
            )
        if question.kind in ("place", "person") and _PROSPECTIVE_QUESTION.search(question.text):
            bonus += 1.5 * bool(_PROSPECTIVE.search(words_around(item.sentence.text, candidate, before=6, after=0)))
        return bonus - distance

    tied = [c for c in item.candidates if local_matches(c, item.sentence.text, question.terms)]
    return max(tied, key=rank) if tied else None


_ASKS_END = re.compile(r"\b(end|ends|ending|finish|finishes|conclude|concludes|until when|till when|last until)\b")
_ASKS_START = re.compile(r"\b(start|starts|begin|begins|began|since when)\b")
_END_MARK = re.compile(r"\b(through|until|till|ending|ends|ended|concluding)\s+(?:on\s+)?$")
_START_MARK = re.compile(r"\b(from|since|starting|beginning|begins|began|starts|started)\s+(?:on\s+)?$")


def _marks_asked_boundary(question: Question, sentence: str, candidate: Candidate) -> bool:
    """'When does the tour end?' wants the date after 'through'/'until'; 'when did it start?' the
    one after 'from'/'since'."""
    asked, before = fold(question.text), sentence[: candidate.start]
    if _ASKS_END.search(asked):
        return bool(_END_MARK.search(before))
    if _ASKS_START.search(asked):
        return bool(_START_MARK.search(before))
    return False


def prefer_running_total(question: Question, usable: list[Evidence]) -> list[Evidence]:
    """'How many times...': of strong ordinals ('second trip', 'ninth visit'), the highest is the total so far."""
    if question.kind != "count" or not re.search(r"\btimes\b", fold(question.text)):
        return usable
    strong = [e for e in usable if e.best and e.score >= 0.85 * usable[0].score and is_ordinal(e.best.text.split()[0])]
    if len(strong) < 2:
        return usable
    top = max(strong, key=lambda e: int(e.best.value) if e.best else 0)
    return [top, *(e for e in usable if e is not top)]


def prefer_fullest_list(question: Question, usable: list[Evidence]) -> list[Evidence]:
    """'Which countries...': of nearly as strong accounts, the one naming the most answers leads."""
    if question.kind not in ("place", "person") or not asks_plural(question):
        return usable
    strong = [e for e in usable if e.best and e.score >= 0.9 * usable[0].score]
    if not strong:
        return usable
    top = max(strong, key=lambda e: len(coordinated(e.best, e)) if e.best else 0)
    return [top, *(e for e in usable if e is not top)]


def prefer_prospective(usable: list[Evidence], question: Question) -> list[Evidence]:
    """'Where is he going next?': when some evidence names a place or person after 'will', 'would'
    or 'later', the accounts of where he went are not the answer."""
    if question.kind not in ("place", "person") or not _PROSPECTIVE_QUESTION.search(question.text):
        return usable
    marked = [
        e for e in usable
        if e.best and _PROSPECTIVE.search(words_around(e.sentence.text, e.best, before=6, after=0))
    ]  # fmt: skip
    return marked or usable


def coordinated(best: Candidate, item: Evidence) -> list[Candidate]:
    """The best candidate and those listed with it, joined by commas or 'and', maybe with each one's
    role between ("Venezuela and Brazil"; "Volodin, the presidential adviser Maxim Oreshkin and ...")."""
    ordered = sorted(item.candidates, key=lambda c: c.start)
    index = next(i for i, c in enumerate(ordered) if c is best)
    first = last = index
    while first > 0 and _joined(item.sentence.text, ordered[first - 1], ordered[first]):
        first -= 1
    while last + 1 < len(ordered) and _joined(item.sentence.text, ordered[last], ordered[last + 1]):
        last += 1
    return ordered[first : last + 1]


def _joined(sentence: str, left: Candidate, right: Candidate) -> bool:
    gap = sentence[left.start + len(left.text) : right.start]
    match = re.fullmatch(r",?\s*(?:and\s+)?((?:[a-z-]+\s+){0,4})", gap)
    return match is not None and all(w in extract.ROLE_WORDS for w in match.group(1).split())


def asks_plural(question: Question) -> bool:
    return bool(
        re.search(r"\b(countries|cities|places|people|officials|ministers|leaders|who else)\b", fold(question.text))
    )
