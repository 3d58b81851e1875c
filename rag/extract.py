"""Finding the short answer of a given kind inside one evidence sentence."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from rag.text import (
    DATE_PATTERN,
    MONTHS,
    NUMBER_PATTERN,
    STOPWORDS,
    cardinal_word,
    fold,
    is_ordinal,
    iso_date,
    number_value,
    stem,
)  # fmt: skip

_NAME_TOKEN = r"(?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f'\u2019.-]*|[0-9]+[a-z]+)"
NAME_PATTERN = re.compile(rf"{_NAME_TOKEN}(?:\s+(?:of\s+|de\s+)?{_NAME_TOKEN})*")
ROLE_WORDS = frozenset(
    """president minister foreign prime deputy adviser advisor spokesperson head chancellor leader
    secretary ambassador general director chairman presidential the mr mrs ms dr""".split()
)
ORG_WORDS = frozenset(
    """ministry duma union office agency council forum government bank party committee
    organization organisation company corporation channel team parliament assembly affairs trade
    investment""".split()
)
_LOCATIVE = re.compile(
    rf"\b(in|to|from|at|through|across|visit|toward|towards|into)\s+(the\s+)?"
    rf"(?:{_NAME_TOKEN}(?:\s+{_NAME_TOKEN})*(?:,\s+|\s+and\s+))*$"
)
_MODIFIER = re.compile(
    r"\b(more than|over|about|nearly|almost|at least|some|around|up to|fewer than|less than)\s+$", re.I
)
_CALENDAR = frozenset([*MONTHS, "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])


@dataclass(frozen=True)
class Candidate:
    text: str  # the exact span in the sentence
    start: int  # its offset in the sentence
    value: str  # normalised, to compare answers across sentences
    phrase: str  # how the answer says it


def counts(sentence: str, wants_times: bool) -> list[Candidate]:
    dates = [m.span() for m in DATE_PATTERN.finditer(sentence)]
    found = []
    for match in NUMBER_PATTERN.finditer(sentence):
        value = number_value(match.group())
        if value is None or any(s <= match.start() < e for s, e in dates):
            continue
        if fold(match.group()) == "one":
            continue  # almost always a pronoun: "one of Russia's allies", "one concerning oil"
        if 1900 <= value <= 2100 and match.group().isdigit():
            continue
        unit = _unit_after(sentence, match.end())
        modifier = _MODIFIER.search(sentence[: match.start()])
        if is_ordinal(match.group()):
            phrase = (
                ("Once" if value == 1 else f"{cardinal_word(value)} times") if wants_times else cardinal_word(value)
            )
        else:
            lead = f"{modifier.group(1)} " if modifier else ""
            phrase = f"{lead}{match.group()} {unit}".strip()
        start = modifier.start() if modifier and not is_ordinal(match.group()) else match.start()
        found.append(Candidate(sentence[start : match.end() + len(unit) + 1].strip(), start, str(value), phrase))
    return found


def _unit_after(sentence: str, end: int) -> str:
    # Case-blind, so the headline's "Ninth Visit" has its noun too.
    words = re.match(r"\s+([a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?", sentence[end:].lower())
    if not words or words.group(1) in STOPWORDS:
        return ""
    second = words.group(2)
    # "cruise ships", "trading partners": a modifier and its noun; a plural noun ends the unit.
    first_is_modifier = not words.group(1).endswith("s") or words.group(1).endswith("ss")
    if second and first_is_modifier and second not in STOPWORDS and not second.endswith(("ed", "ing", "ly")):
        return f"{words.group(1)} {second}"
    return words.group(1)


def dates(sentence: str) -> list[Candidate]:
    found = []
    for match in DATE_PATTERN.finditer(sentence):
        span = match.group()
        found.append(Candidate(span, match.start(), iso_date(span) or fold(span), _date_phrase(span)))
    return found


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def date_parts(candidate: Candidate, article_date: str | None) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) a date candidate names, each None when it does not say; a weekday is resolved
    against the article's date ("on Monday" in an article of Monday 19 February 2024). None when the
    candidate cannot be placed (a relative "last May")."""
    text = fold(candidate.text)
    if text.startswith(("last ", "next ", "this ")):
        return None
    weekday = next((i for i, name in enumerate(_WEEKDAYS) if name in text.split()), None)
    if weekday is not None:
        if not article_date:
            return None
        published = datetime.date.fromisoformat(article_date)
        resolved = published - datetime.timedelta(days=(published.weekday() - weekday) % 7)
        return resolved.year, resolved.month, resolved.day
    year = re.search(r"\b((?:19|20)\d{2})\b", text)
    month = next((i + 1 for i, name in enumerate(MONTHS) if name in text.split()), None)
    day = re.search(r"\b(\d{1,2})\b", text) if month else None
    return (int(year.group(1)) if year else None), month, (int(day.group(1)) if day else None)


def dates_agree(first: Candidate, first_date: str | None, second: Candidate, second_date: str | None) -> bool:
    """Two date answers that could name the same day ("February 19" and "on Monday" in an article of
    Monday 19 February) agree; any named part that differs is a disagreement."""
    a, b = date_parts(first, first_date), date_parts(second, second_date)
    if a is None or b is None or not any(a) or not any(b):
        return first.value == second.value
    return all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))


def date_specificity(candidate: Candidate) -> int:
    text = fold(candidate.text)
    has_day = bool(re.search(r"\b\d{1,2}\b", text))
    has_month = any(m in text.split() for m in MONTHS)
    has_year = bool(re.search(r"\b(19|20)\d{2}\b", text))
    return 2 * has_year + 2 * has_month + has_day


def _date_phrase(span: str) -> str:
    lowered = span.lower()
    if lowered.startswith(("last ", "next ", "this ", "early ", "late ", "mid ")):
        return span[0].upper() + span[1:]
    if lowered.startswith("the end of"):
        return f"At {span}"
    if lowered.startswith("on "):
        return span[0].upper() + span[1:]
    if re.search(r"\b\d{1,2}\b", span) or fold(span) in _CALENDAR:
        return f"On {span}"
    return f"In {span}"


def names(sentence: str) -> list[Candidate]:
    """Capitalised name sequences, role words stripped ('Foreign Minister Bruno Rodríguez')."""
    found = []
    for match in NAME_PATTERN.finditer(sentence):
        words = match.group().split()
        start = match.start()
        while words and fold(words[0]).strip(".") in ROLE_WORDS | {"russian", "cuban", "the"}:
            start = sentence.index(words[1], start + len(words[0])) if len(words) > 1 else start
            words = words[1:]
        while words and fold(words[-1]).removesuffix("'s") in ROLE_WORDS:
            words = words[:-1]
        org_positions = [i for i, w in enumerate(words[:-1]) if stem(fold(w)) in ORG_WORDS]
        if org_positions:  # "State Duma Vyacheslav Volodin": the body, then the person
            cut = org_positions[-1] + 1
            start = sentence.index(words[cut], start)
            words = words[cut:]
        if not words or fold(words[0]) in _CALENDAR or fold(words[0]) in STOPWORDS:
            continue
        text = " ".join(words).removesuffix("\u2019s").removesuffix("'s").rstrip(".")
        found.append(Candidate(text, start, fold(text), text))
    return found


# A capitalised common noun that stands for a place named elsewhere ("the Island" for Cuba) is no name.
PLACE_EPITHETS = frozenset(
    "island isle capital country nation republic state city continent peninsula region kingdom territory".split()
)


def is_place(candidate: Candidate, sentence: str, known_places: set[str]) -> bool:
    if has_role_apposition(candidate, sentence):
        return False
    return candidate.value in known_places or bool(_LOCATIVE.search(sentence[: candidate.start]))


_APPOSED_ROLE = "|".join(sorted(ROLE_WORDS - {"the", "foreign", "general"}))
_ROLE_AFTER = re.compile(rf",\s+(?:the\s+|a\s+)?(?:\w+\s+)?(?:{_APPOSED_ROLE})\b")
_ROLE_BEFORE = re.compile(rf"\b(?:{_APPOSED_ROLE})\s+$")


def has_role_apposition(candidate: Candidate, sentence: str) -> bool:
    """A name with a role beside it is a person: "Maria Zakharova, spokesperson for the ministry"."""
    after = fold(sentence[candidate.start + len(candidate.text) :])
    before = fold(sentence[: candidate.start])
    return bool(_ROLE_AFTER.match(after) or _ROLE_BEFORE.search(before))


def is_organisation(candidate: Candidate) -> bool:
    words = {stem(w) for w in fold(candidate.text).split()}
    return bool(words & ORG_WORDS) or bool(re.fullmatch(r"[A-Z]{2,6}", candidate.text))


def people(sentence: str, known_places: set[str], common_words: set[str]) -> list[Candidate]:
    found = []
    for candidate in names(sentence):
        if is_place(candidate, sentence, known_places) or is_organisation(candidate):
            continue
        if all(fold(word).removesuffix("'s") in common_words for word in candidate.text.split()):
            continue  # a capitalised ordinary word: "Although", "Several"
        if candidate.text[0].isdigit():
            continue  # a brand, not a person: "14ymedio"
        after = sentence[candidate.start + len(candidate.text) :]
        single = " " not in candidate.text
        if single and fold(candidate.text).endswith(("ian", "an", "ese", "ish")) and re.match(r"\s+[a-z]", after):
            continue  # a demonym used as an adjective: "Russian troops"
        found.append(candidate)
    return found


def places(sentence: str, known_places: set[str]) -> list[Candidate]:
    return [
        c for c in names(sentence)
        if is_place(c, sentence, known_places) and not is_organisation(c) and c.value not in PLACE_EPITHETS
    ]  # fmt: skip


def organisations(sentence: str) -> list[Candidate]:
    found = []
    for match in NAME_PATTERN.finditer(sentence):
        words = match.group().split()
        start = match.start()
        if words and words[0] == "The":
            start += 4
            words = words[1:]
        candidate = Candidate(" ".join(words), start, fold(" ".join(words)), " ".join(words))
        if words and is_organisation(candidate):
            found.append(candidate)
    return found


_ITEM = r"[\w\u00c0-\u024f'\u2019-]+(?: [\w\u00c0-\u024f'\u2019-]+){0,2}"
_LIST = re.compile(rf"({_ITEM}(?:, {_ITEM})+,? (?:and|or) {_ITEM})")
_LIST_INTRO = re.compile(r".*\b(such as|including|includes?|like)\s+", re.I)  # the last one
_LIST_LEAD = re.compile(r"^.*\b(such as|including|include|includes|of|with|in|to|like)\s+", re.I)


def enumerations(sentence: str) -> list[Candidate]:
    found = []
    for match in _LIST.finditer(sentence):
        text, start = match.group(), match.start()
        lead = _LIST_INTRO.match(text) or _LIST_LEAD.match(text.split(",")[0] + " ")
        if lead and lead.end() < len(text) and "," in text[lead.end() :]:
            start += lead.end()
            text = text[lead.end() :]
        found.append(Candidate(text, start, fold(text), text))
    return found


def known_place_names(texts: list[str]) -> set[str]:
    """Names that follow 'in', 'to', 'from'... somewhere in the corpus are taken as places."""
    found: set[str] = set()
    for text in texts:
        for candidate in names(text):
            if not _LOCATIVE.search(text[max(0, candidate.start - 20) : candidate.start]) or is_organisation(candidate):
                continue
            if candidate.value not in PLACE_EPITHETS and not has_role_apposition(candidate, text):
                found.add(candidate.value)
    return found
