"""Removing web boilerplate and near-duplicate paragraphs from pasted articles."""

from __future__ import annotations

import json
import re

from rag.text import content_terms

_NAVIGATION = re.compile(
    r"^(previous|next|older|newer) (article|post|story)$|^(related|recommended) (articles|stories|posts)"
    r"$|^read (more|next|also)$|^share (this|on)\b|^(tags|categories):",
    re.IGNORECASE,
)
_TEASER = re.compile(
    r"^(no time to read\??|get a summary|listen to (this )?article|advertisement|skip to content"
    r"|subscribe( now)?|sign up for our newsletter.*|click here.*|print this (page|article))$",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"\b(becom(e|ing) a (member|subscriber)|support(ing)? (us|our (work|journalism))|donate\b"
    r"|collaborate with our work|make a (donation|contribution)|subscribe to our"
    r"|all rights reserved|thank you for (reading|joining us))",
    re.IGNORECASE,
)
_PHOTO_CREDIT = re.compile(
    r"^(photo|image|picture|credit|photograph)s?( by)?\s*[:/]|\((photo|image|credit|file photo)\b"
    r"|^.{0,280}[.!]?\s*\((?:photo:? )?[A-Z][\w.&' -]{1,50}\)$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[\s_\-=*~#.\u2014\u2013]{3,}$")


def clean_text(text: str) -> str:
    """The canonical text of an article: boilerplate out, one blank line between paragraphs."""
    paragraphs = _paragraphs(text)
    paragraphs = _drop_boilerplate(paragraphs)
    paragraphs = drop_near_duplicates(paragraphs)
    return "\n\n".join(paragraphs)


def _paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    # Every line becomes its own paragraph: clippings put teasers and nav links on single lines.
    return [line for line in lines if line]


def _drop_boilerplate(paragraphs: list[str]) -> list[str]:
    kept: list[str] = []
    skip_next_title = False
    for index, para in enumerate(paragraphs):
        if skip_next_title and _looks_like_title(para):
            skip_next_title = False
            continue
        skip_next_title = False
        if _NAVIGATION.search(para):
            skip_next_title = True
            continue
        if index > 0 and is_boilerplate(para):
            continue
        kept.append(para)
    return kept


def is_boilerplate(paragraph: str) -> bool:
    """True for teasers, footers, rules, stray JSON and photo captions."""
    return bool(
        _TEASER.match(paragraph)
        or _RULE.match(paragraph)
        or _is_json(paragraph)
        or (_FOOTER.search(paragraph) and len(paragraph) < 1200)
        or (_PHOTO_CREDIT.search(paragraph) and len(paragraph.split()) < 60)
    )


def _is_json(paragraph: str) -> bool:
    if not paragraph.startswith(("{", "[")):
        return False
    try:
        json.loads(paragraph)
    except ValueError:
        return False
    return True


def _looks_like_title(paragraph: str) -> bool:
    return len(paragraph.split()) <= 20 and not paragraph.endswith((".", "?", "!", '"', "\u201d"))


def drop_near_duplicates(paragraphs: list[str]) -> list[str]:
    """Drop repeated paragraphs (pull quotes), keeping the complete sentence of each pair."""
    term_sets = [set(content_terms(p)) for p in paragraphs]
    dropped: set[int] = set()
    for i in range(len(paragraphs)):
        for j in range(i + 1, len(paragraphs)):
            if i in dropped or j in dropped:
                continue
            a, b = term_sets[i], term_sets[j]
            if min(len(a), len(b)) < 6:
                continue
            # Containment catches a shortened pull quote; Jaccard keeps a title and lead apart.
            if len(a & b) / min(len(a), len(b)) >= 0.8 and len(a & b) / len(a | b) >= 0.4:
                dropped.add(_weaker(paragraphs, i, j))
    return [p for k, p in enumerate(paragraphs) if k not in dropped]


def _weaker(paragraphs: list[str], i: int, j: int) -> int:
    """A pull quote usually lacks final punctuation; otherwise the later copy goes."""
    complete_i = paragraphs[i].rstrip("\u201d\"'").endswith((".", "!", "?"))
    complete_j = paragraphs[j].rstrip("\u201d\"'").endswith((".", "!", "?"))
    if complete_i != complete_j:
        return j if complete_i else i
    return j
