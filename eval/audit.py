"""An independent audit of LLM answers: numbers, dates and names that no cited quote holds.

It shares no code with rag/llm's verification on purpose: a check that audits itself cannot fail.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rag.models import Answer

_SMALL = "zero one two three four five six seven eight nine ten eleven twelve".split()
_ORDINAL = "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()
_VALUES = {**{w: str(i) for i, w in enumerate(_SMALL)}, **{w: str(i) for i, w in enumerate(_ORDINAL)}}
_MONTHS = set("january february march april may june july august september october november december".split())
# Capitalised words that name nothing: sentence openers and function words.
_COMMON = set("the a an in on at of and or but he she it they his her their this that these those there as by for "
              "with from to yes no not i".split())  # fmt: skip


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _values(text: str) -> set[str]:
    found = {str(int(d.replace(",", ""))) for d in re.findall(r"\d{1,3}(?:,\d{3})+|\d+", text)}
    return found | {_VALUES[w] for w in re.findall(r"[a-z]+", _plain(text)) if w in _VALUES}


@dataclass
class AuditRow:
    answers_shown_as_llm: int = 0
    unbacked: list[dict[str, str]] = field(default_factory=list)


def unbacked_terms(answer: Answer) -> list[str]:
    """Numbers, month names and capitalised words of an LLM answer that are in none of its cited quotes."""
    if answer.answerer != "llm" or not answer.answered:
        return []
    text = re.sub(r"\[\d+\]", " ", answer.answer)
    quotes = " ".join(c.quote for c in answer.citations)
    quote_words, quote_values = set(re.findall(r"[a-z0-9]+", _plain(quotes))), _values(quotes)
    missing = [v for v in sorted(_values(text)) if v not in quote_values]
    for word in re.findall(r"[A-Za-z][\w'-]*", text):
        plain = _plain(word).split("'")[0]
        named = word[0].isupper() and plain not in _COMMON and plain not in _VALUES
        if (named or plain in _MONTHS) and not set(re.findall(r"[a-z0-9]+", plain)) <= quote_words:
            missing.append(word)
    return missing


def audit(answers: list[Answer]) -> AuditRow:
    row = AuditRow()
    for answer in answers:
        if answer.answerer == "llm" and answer.answered:
            row.answers_shown_as_llm += 1
            row.unbacked += [{"question": answer.question, "term": t} for t in unbacked_terms(answer)]
    return row
