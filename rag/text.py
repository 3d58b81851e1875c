"""Text forms shared by cleaning, the lexical index and the answerer: folding, tokens, stemmed terms."""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Any

from rag.language import Sentence, split_sentences

__all__ = ["STOPWORDS", "Sentence", "content_terms", "fold", "split_sentences", "stem", "tokens"]

# Function words that say nothing about a passage's topic (general English, for lexical matching only).
STOPWORDS = frozenset(
    """a an the and or but of to in on at by for with from into onto about as is are was were be
    been being has have had do does did will would shall should can could may might must this that
    these those it its it's he she they them his her their there here which who whom whose what
    when where why how than then so such not no nor also any all some both each other more most
    very just only own same too s i me my we our you your us up out over under again further once
    during before after above below between through off while if because until against said says
    say according many much""".split()
)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z0-9]+(?:[-'][a-z0-9]+)*")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_QUOTES = str.maketrans("\u2018\u2019", "''")
_local = threading.local()  # a PyStemmer object is not thread-safe: one per thread


def fold(text: str) -> str:
    """Lower-case, strip accents, unify quotes: the form used for matching.

    Only runs of non-ASCII characters are decomposed: ASCII is its own NFKD form, and a decomposition acts
    on one character at a time (reordering touches only the marks, which go), so the result is that of the
    whole text decomposed, at a fraction of the cost on English prose."""
    if not text.isascii():
        text = _NON_ASCII.sub(_folded_run, text)
    return text.lower()


def _folded_run(match: re.Match[str]) -> str:
    decomposed = unicodedata.normalize("NFKD", match.group())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_QUOTES)


def stem(word: str) -> str:
    """The English Snowball stem (PyStemmer): "visited" -> "visit", "invitation" -> "invit"."""
    return str(_stemmer().stemWord(word.removesuffix("'s")))


def _stemmer() -> Any:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def content_terms(text: str) -> list[str]:
    """Stemmed tokens that carry meaning (no stopwords)."""
    words = [tok.removesuffix("'s") for tok in tokens(text) if tok not in STOPWORDS and len(tok) > 1]
    return list(_stemmer().stemWords(words))
