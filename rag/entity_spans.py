"""Entity spans the small English model cuts short, mended after its recogniser runs: a name written with a
hyphen ("Ruiz-Soto", "Park Min-jun") keeps all of its parts, and a scoreline ("2-1", "6-4, 7-6 (7-3)") is read
as one span."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

HYPHENS = frozenset({"-", "\u2010", "\u2011", "\u2013"})
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})


def join_hyphenated_names(doc: Doc) -> Doc:
    """A name's entity grows over the hyphen-joined parts written against it ("Sang" + "-" + "mok")."""
    ents = list(doc.ents)
    owner = {t.i: k for k, ent in enumerate(ents) for t in ent}
    mended = []
    for k, ent in enumerate(ents):
        start, end = ent.start, ent.end
        if ent.label_ in _NAME_LABELS:
            while _joined(doc, end - 1, +1) and owner.get(end, k) == k and owner.get(end + 1, k) == k:
                end += 2
            while _joined(doc, start, -1) and owner.get(start - 1, k) == k and owner.get(start - 2, k) == k:
                start -= 2
        mended.append(doc.char_span(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), label=ent.label_))
    doc.ents = [span for span in mended if span is not None]
    return doc


def _joined(doc: Doc, i: int, step: int) -> bool:
    """Token i is joined, with no space on either side, by a hyphen to a word in the direction of step."""
    hyphen, word = i + step, i + 2 * step
    if not 0 <= word < len(doc):
        return False
    left, middle = (doc[i], doc[hyphen]) if step > 0 else (doc[hyphen], doc[word])
    return (
        doc[hyphen].text in HYPHENS and not left.whitespace_ and not middle.whitespace_
        and doc[word].is_alpha
    )  # fmt: skip


def scorelines(sentence: Span) -> list[Span]:
    """Scores written as numbers joined by a dash ("won 2-1"), a series of them kept together ("6-4, 7-6 (7-3)");
    not a range that counts something ("40-50 years"), nor years ("2019-2020")."""
    doc = sentence.doc
    pairs = [
        (t.i, t.i + 3) for t in sentence[:-2]
        if _digits(t.text) and not t.whitespace_ and doc[t.i + 1].text in HYPHENS
        and not doc[t.i + 1].whitespace_ and _digits(doc[t.i + 2].text)
    ]  # fmt: skip
    series: list[list[int]] = []
    for start, end in pairs:
        if series and _continues(doc, series[-1][1], start):
            series[-1][1] = end + (1 if end < len(doc) and doc[end].text == ")" and doc[start - 1].text == "(" else 0)
        else:
            series.append([start, end])
    found = []
    for start, end in series:
        span = doc[start:end]
        after = doc[end] if end < sentence.end else None
        counts_something = after is not None and after.pos_ == "NOUN" and after.i == span.root.head.i
        years = all(len(t.text) == 4 for t in span if t.like_num)
        if not counts_something and not years:
            found.append(span)
    return found


def _continues(doc: Doc, previous_end: int, start: int) -> bool:
    between = [t.text for t in doc[previous_end:start]]
    return between in ([","], ["("], [])


def _digits(text: str) -> bool:
    return text.isdigit() and len(text) <= 4
