"""Language helpers shared by cleaning, retrieval and the answerer: tokens, sentences, numbers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

STOPWORDS = frozenset(
    """a an the and or but of to in on at by for with from into onto about as is are was were be
    been being has have had do does did will would shall should can could may might must this that
    these those it its it's he she they them his her their there here which who whom whose what
    when where why how than then so such not no nor also any all some both each other more most
    very just only own same too s i me my we our you your us up out over under again further once
    during before after above below between through off while if because until against said says
    say according one ones""".split()
)

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
}  # fmt: skip
CARDINAL_NAMES = {value: word for word, value in NUMBER_WORDS.items() if value <= 20}

MONTHS = "january february march april may june july august september october november december".split()
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
DATE_PATTERN = re.compile(
    rf"\b(?:\d{{1,2}} {_MONTH},? \d{{4}}|{_MONTH} \d{{1,2}},? \d{{4}}|{_MONTH} \d{{1,2}}\b"
    rf"|\d{{1,2}} {_MONTH}|(?:(?:early|mid|late|the end of|last) )?{_MONTH},? \d{{4}}"
    rf"|(?:last|next|this) (?:{_MONTH}|year|summer|winter|spring|autumn|fall|week|month)"
    rf"|(?:on )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    rf"|(?:the end of |early |late )?(?:19|20)\d{{2}})\b"
)
NUMBER_PATTERN = re.compile(
    r"\b(?:\d+(?:[.,]\d+)*|(?:"
    + "|".join(sorted([*NUMBER_WORDS, *ORDINAL_WORDS], key=len, reverse=True))
    + r")(?:-(?:one|two|three|four|five|six|seven|eight|nine|first|second|third|fourth|fifth))?)\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


def fold(text: str) -> str:
    """Lower-case, strip accents, unify quotes: the form used for matching."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("\u2019", "'").replace("\u2018", "'").lower()


def stem(word: str) -> str:
    """A deliberately small stemmer: plurals, -ed, -ing, possessives."""
    word = word.removesuffix("'s")
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + keep
    return word


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def content_terms(text: str) -> list[str]:
    """Stemmed tokens that carry meaning (no stopwords)."""
    return [stem(tok) for tok in tokens(text) if tok not in STOPWORDS and len(tok) > 1]


_SENTENCE_END = re.compile(r"(?<=[.!?])([\"'\u201d\u2019)]?)\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
_ABBREVIATIONS = ("Mr.", "Mrs.", "Ms.", "Dr.", "St.", "U.S.", "U.N.", "Jr.", "Sr.", "No.")


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Split on paragraph breaks and sentence punctuation, keeping exact offsets."""
    sentences: list[Sentence] = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text):
        start = para.start()
        for boundary in _SENTENCE_END.finditer(para.group()):
            before = para.group()[: boundary.start()]
            if before.endswith(_ABBREVIATIONS):
                continue
            _append_sentence(sentences, text, start, para.start() + boundary.end(1), offset)
            start = para.start() + boundary.end()
        _append_sentence(sentences, text, start, para.end(), offset)
    return sentences


def _append_sentence(out: list[Sentence], text: str, start: int, end: int, offset: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    start += lead
    out.append(Sentence(stripped, offset + start, offset + start + len(stripped)))


def number_value(word: str) -> int | None:
    """'nine' -> 9, 'ninth' -> 9, '17' -> 17, 'twenty-four' -> 24, '1,500' -> 1500."""
    word = fold(word).strip()
    if re.fullmatch(r"\d+(?:,\d{3})*", word):
        return int(word.replace(",", ""))
    if re.fullmatch(r"\d+(?:st|nd|rd|th)", word):
        return int(word[:-2])
    parts = word.split("-")
    values = [NUMBER_WORDS.get(p, ORDINAL_WORDS.get(p)) for p in parts]
    if not values or any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None)


def is_ordinal(word: str) -> bool:
    word = fold(word)
    return word.split("-")[-1] in ORDINAL_WORDS or bool(re.fullmatch(r"\d+(st|nd|rd|th)", word))


def cardinal_word(value: int) -> str:
    """9 -> 'Nine'; large values stay digits."""
    name = CARDINAL_NAMES.get(value)
    return name.capitalize() if name else str(value)


def iso_date(text: str) -> str | None:
    """'19 February 2024' or 'February 19, 2024' -> '2024-02-19'; None if no full date."""
    day_first = re.search(rf"\b(\d{{1,2}}) ({_MONTH}),? (\d{{4}})\b", text)
    month_first = re.search(rf"\b({_MONTH}) (\d{{1,2}}),? (\d{{4}})\b", text)
    if day_first and (not month_first or day_first.start() <= month_first.start()):
        day, month, year = day_first.groups()
    elif month_first:
        month, day, year = month_first.groups()
    else:
        return None
    return f"{int(year):04d}-{MONTHS.index(month.lower()) + 1:02d}-{int(day):02d}"
