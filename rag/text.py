"""Text forms shared by cleaning, the lexical index and the answerer: folding, tokens, stemmed terms."""

from __future__ import annotations

import re
import threading
import unicodedata

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
_local = threading.local()  # a PyStemmer object is not thread-safe: one per thread


def fold(text: str) -> str:
    """Lower-case, strip accents, unify quotes: the form used for matching."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("\u2019", "'").replace("\u2018", "'").lower()


def stem(word: str) -> str:
    """The English Snowball stem (PyStemmer): "visited" -> "visit", "invitation" -> "invit"."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return str(stemmer.stemWord(word.removesuffix("'s")))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def content_terms(text: str) -> list[str]:
    """Stemmed tokens that carry meaning (no stopwords)."""
    return [stem(tok) for tok in tokens(text) if tok not in STOPWORDS and len(tok) > 1]
