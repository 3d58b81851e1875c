"""Removing web boilerplate and near-duplicate paragraphs from pasted articles."""

from __future__ import annotations

import functools
import json
import re
import zlib

import numpy as np

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
_SPACES = re.compile(r"[ \t]+")
_WRAPPED_WORDS = 6  # a hard-wrapped line of prose holds at least this many words
_OPENING = "$\u20ac\u00a3\u00a5%("
_RULE = re.compile(r"^[\s_\-=*~#.\u2014\u2013]{3,}$")
_MIN_TERMS = 6
# 16 bands of 4 rows propose pairs from Jaccard ~0.4 up, where the exact test starts to accept.
_BANDS, _ROWS = 16, 4
_BUCKET_SIZE = 4
_PRIME = (1 << 31) - 1  # a Mersenne prime: a 32-bit hash times a multiplier below it fits in 64 bits


def clean_text(text: str) -> str:
    """The canonical text of an article: boilerplate out, one blank line between paragraphs."""
    paragraphs = _paragraphs(text)
    paragraphs = _drop_boilerplate(paragraphs)
    paragraphs = drop_near_duplicates(paragraphs)
    return "\n\n".join(paragraphs)


def _paragraphs(text: str) -> list[str]:
    text = _SPACES.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " "))
    lines = [line.strip() for line in text.split("\n")]
    # Every line becomes its own paragraph (clippings put teasers and nav links on single lines), except a
    # line that goes on a hard-wrapped sentence: "... for" then "$820 million in cash."
    paragraphs: list[str] = []
    for line, previous in zip(lines, ["", *lines], strict=False):
        if line and previous and paragraphs and _continues(previous, line):
            paragraphs[-1] += " " + line
        elif line:
            paragraphs.append(line)
    return paragraphs


def _continues(previous: str, line: str) -> bool:
    """The line goes on a sentence of prose the previous line left open: that line holds a few words and
    ends in a word or a comma, and this one starts in lower case, with a figure or with a currency sign.
    Lines of a log or a list (short, or ending in a number) stay apart."""
    open_prose = len(previous.split()) >= _WRAPPED_WORDS and (previous[-1].isalpha() or previous[-1] == ",")
    return open_prose and (line[0].islower() or line[0].isdigit() or line[0] in _OPENING)


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
        or (len(paragraph) < 1200 and _FOOTER.search(paragraph))
        or (len(paragraph.split()) < 60 and _PHOTO_CREDIT.search(paragraph))
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
    """Drop repeated paragraphs (pull quotes), keeping the complete sentence of each pair.

    Linear in the number of paragraphs: MinHash bands propose at most a few earlier paragraphs per
    paragraph and only those are compared exactly, so a file of thousands of short lines costs seconds.
    """
    term_sets = [frozenset(content_terms(p)) for p in paragraphs]
    band_keys = _band_keys(term_sets)
    buckets: dict[tuple[int, bytes], list[int]] = {}
    dropped: set[int] = set()
    for j, terms in enumerate(term_sets):
        if len(terms) < _MIN_TERMS:
            continue
        keys = band_keys[j]
        for i in _candidates(buckets, keys):
            if i in dropped or not _near_duplicate(term_sets[i], terms):
                continue
            loser = _weaker(paragraphs, i, j)
            dropped.add(loser)
            if loser == j:
                break
        if j not in dropped:
            for key in keys:
                bucket = buckets.setdefault(key, [])
                bucket.append(j)
                # Only the latest few stay: a bucket shared by many lines is common wording, not a copy.
                del bucket[:-_BUCKET_SIZE]
    return [p for k, p in enumerate(paragraphs) if k not in dropped]


def _band_keys(term_sets: list[frozenset[str]]) -> dict[int, list[tuple[int, bytes]]]:
    """The MinHash band keys of every paragraph with enough terms, computed for all of them in one numpy pass:
    each term is hashed once (CRC-32, stable across processes) and permuted by the affine maps
    h -> (a*h + b) mod p, a paragraph's signature being the minimum over its terms."""
    rows = [j for j, terms in enumerate(term_sets) if len(terms) >= _MIN_TERMS]
    if not rows:
        return {}
    hashes = np.fromiter((zlib.crc32(term.encode()) for j in rows for term in term_sets[j]), dtype=np.uint64)
    starts = np.cumsum([0] + [len(term_sets[j]) for j in rows[:-1]])
    a, b = _permutations()
    permuted = (hashes[:, None] * a + b) % _PRIME
    signatures = np.minimum.reduceat(permuted, starts, axis=0)
    return {
        j: [(band, signature[band * _ROWS : (band + 1) * _ROWS].tobytes()) for band in range(_BANDS)]
        for j, signature in zip(rows, signatures, strict=True)
    }


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) of each of the signature's affine maps, the same in every process."""
    generator = np.random.default_rng(1)
    a = generator.integers(1, _PRIME, size=_BANDS * _ROWS, dtype=np.uint64)
    b = generator.integers(0, _PRIME, size=_BANDS * _ROWS, dtype=np.uint64)
    return a, b


def _candidates(buckets: dict[tuple[int, bytes], list[int]], keys: list[tuple[int, bytes]]) -> list[int]:
    # Earlier paragraphs first, as a pairwise scan would meet them.
    return sorted({i for key in keys for i in buckets.get(key, ())})


def _near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    if min(len(a), len(b)) < _MIN_TERMS:
        return False
    shared = len(a & b)
    # Containment catches a shortened pull quote; Jaccard keeps a title and lead apart.
    return shared / min(len(a), len(b)) >= 0.8 and shared / len(a | b) >= 0.4


def _weaker(paragraphs: list[str], i: int, j: int) -> int:
    """A pull quote usually lacks final punctuation; otherwise the later copy goes."""
    complete_i = paragraphs[i].rstrip("\u201d\"'").endswith((".", "!", "?"))
    complete_j = paragraphs[j].rstrip("\u201d\"'").endswith((".", "!", "?"))
    if complete_i != complete_j:
        return j if complete_i else i
    return j
