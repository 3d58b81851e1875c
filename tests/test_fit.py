"""The ranker's fit (pure logic on made-up candidates): what it optimises is putting a right candidate first."""

from __future__ import annotations

import numpy as np

from eval.fit import fit_ranker
from rag.answerer.features import CANDIDATE_FEATURES

SIGNAL, DECOY = CANDIDATE_FEATURES[0], CANDIDATE_FEATURES[1]


def _question(rng: np.random.Generator, size: int) -> tuple[list[dict[str, float]], list[int]]:
    """One right candidate, a little higher on SIGNAL than the rest; DECOY is high on one wrong candidate in
    every question and says nothing else."""
    rows = [dict.fromkeys(CANDIDATE_FEATURES, 0.0) for _ in range(size)]
    for row in rows:
        row[SIGNAL] = float(rng.uniform(0, 1))
        row[DECOY] = float(rng.uniform(0, 0.2))
    right = int(np.argmax([row[SIGNAL] for row in rows]))
    wrong = (right + 1) % size
    rows[wrong][DECOY] = 1.0
    return rows, [int(i == right) for i in range(size)]


def test_the_fitted_ranker_puts_the_right_candidate_first_on_questions_it_was_not_fit_on() -> None:
    rng = np.random.default_rng(7)
    ranker = fit_ranker([_question(rng, int(rng.integers(3, 12))) for _ in range(120)])
    held_out = [_question(rng, int(rng.integers(3, 12))) for _ in range(200)]
    first = [marks[int(np.argmax([ranker.score(row) for row in rows]))] for rows, marks in held_out]
    assert sum(first) / len(first) >= 0.9
    weight = dict(zip(ranker.features, ranker.coefficients, strict=True))
    assert weight[SIGNAL] > 0 > weight[DECOY]
    assert ranker.features == CANDIDATE_FEATURES


def test_a_question_with_several_right_candidates_needs_only_one_of_them_first() -> None:
    """Two right readings of one answer ("17" and "seventeen") share the mass: the fit does not push both up."""
    rows = [dict.fromkeys(CANDIDATE_FEATURES, 0.0) for _ in range(3)]
    rows[0][SIGNAL], rows[1][SIGNAL], rows[2][DECOY] = 1.0, 0.0, 1.0
    ranker = fit_ranker([(rows, [1, 1, 0])] * 20)
    scores = [ranker.score(row) for row in rows]
    assert max(scores[0], scores[1]) > scores[2]


def test_sentences_are_fit_to_put_the_answering_one_first_and_read_as_probabilities() -> None:
    """The sentence model is fit listwise too, then scaled: the answering sentence of a held-out question comes first,
    and its support is a probability that keeps that order (the scale's slope is positive)."""
    from eval.fit import fit_sentence_order
    from rag.answerer.features import SENTENCE_FEATURES

    signal, decoy = SENTENCE_FEATURES[0], SENTENCE_FEATURES[1]
    rng = np.random.default_rng(11)

    def question(size: int) -> tuple[list[dict[str, float]], list[int]]:
        rows = [dict.fromkeys(SENTENCE_FEATURES, 0.0) for _ in range(size)]
        for row in rows:
            row[signal], row[decoy] = float(rng.uniform(0, 1)), float(rng.uniform(0, 0.2))
        right = int(np.argmax([row[signal] for row in rows]))
        rows[(right + 1) % size][decoy] = 1.0
        return rows, [int(i == right) for i in range(size)]

    model = fit_sentence_order([question(int(rng.integers(4, 15))) for _ in range(120)])
    held_out = [question(int(rng.integers(4, 15))) for _ in range(200)]
    for rows, _ in held_out:
        scores = [model.score(row) for row in rows]
        probabilities = [model.probability(row) for row in rows]
        assert int(np.argmax(scores)) == int(np.argmax(probabilities))
    first = [marks[int(np.argmax([model.probability(row) for row in rows]))] for rows, marks in held_out]
    assert sum(first) / len(first) >= 0.9
    assert model.features == SENTENCE_FEATURES
