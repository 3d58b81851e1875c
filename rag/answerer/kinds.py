"""The kind of thing a noun names ("city" -> place, "striker" -> person), by nearness to a few plain
English category words in the embedding space, so nouns never listed here are typed too."""

from __future__ import annotations

import threading
from typing import Literal

import numpy as np

from rag.embedding import Embedder

AnswerKind = Literal[
    "count", "amount", "score", "date", "person", "place", "organisation", "entity", "list", "yesno", "description",
    "role",
]  # fmt: skip
# General English category words, not any corpus's vocabulary.
_PROTOTYPES: dict[AnswerKind, str] = {
    "person": "person people man woman official leader player minister president executive spokesperson author "
    "victim pilot coach candidate winner judge justice",
    "organisation": "company organization agency firm team club party institution airline bank group government "
    "ministry court union network broadcaster",
    "place": "place country city town region state province island village location area site capital venue "
    "nation continent constituency district county hotel",
    "date": "date day year month week season decade time hour minute",
    "amount": "amount money sum price cost value percentage percent rate share proportion distance speed height "
    "weight size revenue profit",
    "count": "number total count",
    "score": "score scoreline",
    "entity": "film book song album novel painting product vehicle rocket aircraft ship weapon law treaty device "
    "drug vaccine model",
}
MIN_SIMILARITY = 0.45
_cache: dict[tuple[int, tuple[str, ...]], np.ndarray] = {}
_lock = threading.Lock()


def kind_of_noun(lemma: str, embedder: Embedder) -> tuple[AnswerKind, float]:
    """The nearest category and its similarity; "description" when nothing is near."""
    kinds, vectors = _prototype_vectors(embedder)
    similarities = vectors @ embedder.embed([lemma])[0]
    best = int(np.argmax(similarities))
    if float(similarities[best]) < MIN_SIMILARITY:
        return "description", float(similarities[best])
    return kinds[best], float(similarities[best])


def word_vectors(words: tuple[str, ...], embedder: Embedder) -> np.ndarray:
    """The vectors of a fixed list of words, embedded once per embedder."""
    with _lock:
        key = (id(embedder), words)
        if key not in _cache:
            _cache[key] = embedder.embed(list(words))
        return _cache[key]


def _prototype_vectors(embedder: Embedder) -> tuple[list[AnswerKind], np.ndarray]:
    pairs = [(kind, word) for kind, spelled in _PROTOTYPES.items() for word in spelled.split()]
    return [kind for kind, _ in pairs], word_vectors(tuple(word for _, word in pairs), embedder)
