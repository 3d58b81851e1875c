"""What a sentence calls a named person: the role before or beside the name."""

from __future__ import annotations

import re

from rag.extract import ROLE_WORDS, Candidate
from rag.text import fold, stem

_ROLE_SUFFIX_WORD = re.compile(r"^(?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f'-]*|of|the|for)$")
_APPOSITION = re.compile(r"^,\s+((?:the\s+|a\s+)?[^,;.\u201c\u201d]{3,80}?)\s*(?=[,;.]|$)")


def roles(sentence: str, name: str) -> list[Candidate]:
    """What a sentence calls a named person: "the president of the State Duma Vyacheslav Volodin",
    "Maria Zakharova, spokesperson for the ministry", "The head of Foreign Trade ..., Ricardo Cabrisas"."""
    found = []
    surname = name.split()[-1]
    occurrences = list(re.finditer(re.escape(name), sentence)) or list(
        re.finditer(rf"\b{re.escape(surname)}\b", sentence)
    )
    for match in occurrences:
        segment_start = max(sentence.rfind(mark, 0, match.start()) for mark in ",;:\u2014(") + 1
        words = list(re.finditer(r"\S+", sentence[segment_start : match.start()]))
        kept = len(words)
        while kept and (
            _ROLE_SUFFIX_WORD.match(words[kept - 1].group()) or fold(words[kept - 1].group()) in ROLE_WORDS
        ):
            kept -= 1
        before = words[kept:]
        if (
            before
            and before[-1].group()[0].isupper()
            and fold(before[-1].group()) not in ROLE_WORDS
            and " " not in name
        ):
            before = before[:-1]  # a given name before the surname asked about: "Sergei Lavrov"
        while before and fold(before[0].group()) in ("of", "for"):
            before = before[1:]
        if before and _names_role(" ".join(w.group() for w in before)):
            start, end = segment_start + before[0].start(), segment_start + before[-1].end()
            found.append(_role_candidate(sentence[start:end], start))
        elif sentence[: match.start()].rstrip().endswith(","):
            previous_start = max(sentence.rfind(mark, 0, match.start() - 2) for mark in ",;:\u2014(") + 1
            span = sentence[previous_start : sentence.rfind(",", 0, match.start())].strip()
            if _names_role(" ".join(span.split()[:3])):
                found.append(_role_candidate(span, sentence.index(span, previous_start)))
        after = _APPOSITION.match(sentence[match.end() :])
        if after and _names_role(" ".join(after.group(1).split()[:4])):
            found.append(_role_candidate(after.group(1), match.end() + after.start(1)))
    return found


_NAMING_ROLE_WORDS = ROLE_WORDS - {"the", "foreign"}


def _names_role(words: str) -> bool:
    return any(stem(w) in _NAMING_ROLE_WORDS for w in fold(words).split())


def _role_candidate(text: str, start: int) -> Candidate:
    bare = re.sub(r"^(?:the|a)\s+", "", text, flags=re.I)
    if fold(bare.split()[0]) in ROLE_WORDS:
        bare = bare[0].lower() + bare[1:]
    return Candidate(text, start, fold(bare), f"the {bare}")
