"""Refit the reader's weights and abstention thresholds on the dev split: `python -m eval.fit`.

Sentences are labelled by whether they are gold evidence, candidates by whether they match an accepted
answer; unanswerable questions give only negatives. Each threshold is the one that answers the most dev
questions right while keeping abstention precision at or above the target.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from eval.dataset import EvalItem
from eval.scoring import matches
from eval.splits import eval_corpus, load_split
from rag.answerer.features import CANDIDATE_FEATURES, SENTENCE_FEATURES
from rag.answerer.reader import Reading
from rag.answerer.scoring import WEIGHTS_PATH, LogisticModel, Scorer
from rag.config import get_settings
from rag.pipeline import Pipeline

SENTENCE_KINDS = ("yesno", "description", "role")
ABSTENTION_PRECISION = 0.9


@dataclass
class Example:
    item: EvalItem
    reading: Reading


def collect(pipeline: Pipeline, items: list[EvalItem]) -> list[Example]:
    return [Example(item, pipeline.read(item.question)) for item in items]


def fit_rounds(pipeline: Pipeline, items: list[EvalItem], rounds: int) -> Scorer:
    """Which sentences' candidates are read depends on the sentence model: refit on what the last fit reads."""
    scorer = pipeline.scorer
    for _ in range(rounds):
        scorer = fit(collect(pipeline, items))
        pipeline.scorer = scorer
    return scorer


def is_gold(item: EvalItem, doc_id: str, quote: str) -> bool:
    return any(g.doc_id == doc_id and (g.sentence in quote or quote in g.sentence) for g in item.evidence)


def fit_model(rows: list[dict[str, float]], labels: list[int], names: tuple[str, ...]) -> LogisticModel:
    x = np.array([[row[n] for n in names] for row in rows], dtype=float)
    y = np.array(labels)
    if len(set(labels)) < 2:
        raise SystemExit("the dev split gives only one class of examples; add questions before fitting")
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(x, y)
    return LogisticModel(names, tuple(float(c) for c in model.coef_[0]), float(model.intercept_[0]), 0.5)


def choose_threshold(scored: list[tuple[float, bool, bool]]) -> float:
    """scored: (best probability, answerable, right if answered). The most right answers whose
    abstentions stay precise; ties go to the higher threshold (fewer risky answers)."""
    precise, best_right = None, -1
    balanced, best_total = 0.5, -1
    for threshold in sorted({round(p, 4) for p, _, _ in scored} | {0.5}):
        abstained = [answerable for p, answerable, _ in scored if p < threshold]
        precision = (sum(not a for a in abstained) / len(abstained)) if abstained else 1.0
        right = sum(1 for p, answerable, ok in scored if p >= threshold and answerable and ok)
        if precision >= ABSTENTION_PRECISION and right >= best_right:
            precise, best_right = threshold, right
        # When no threshold keeps abstentions that precise: the most right decisions, answers and abstentions.
        total = right + sum(not a for a in abstained)
        if total >= best_total:
            balanced, best_total = threshold, total
    return precise if precise is not None and best_right > 0 else balanced


def fit(examples: list[Example]) -> Scorer:
    sentence_rows, sentence_labels, candidate_rows, candidate_labels = [], [], [], []
    for ex in examples:
        for e in ex.reading.evidence:
            sentence_rows.append(e.features)
            sentence_labels.append(
                int(ex.item.answerable and is_gold(ex.item, e.passage.chunk.doc_id, e.sentence.text))
            )
        for c in ex.reading.candidates:
            candidate_rows.append(c.features)
            candidate_labels.append(int(ex.item.answerable and matches(c.text, ex.item.answers)))
    sentence = fit_model(sentence_rows, sentence_labels, SENTENCE_FEATURES)
    candidate = fit_model(candidate_rows, candidate_labels, CANDIDATE_FEATURES)
    by_sentence, by_candidate = [], []
    for ex in examples:
        if ex.reading.missing:
            continue  # abstains before any threshold
        if ex.reading.question.kind in SENTENCE_KINDS:
            scored = [(sentence.probability(e.features), e) for e in ex.reading.evidence]
            p, top = max(scored, key=lambda s: s[0], default=(0.0, None))
            ok = top is not None and is_gold(ex.item, top.passage.chunk.doc_id, top.sentence.text)
            by_sentence.append((p, ex.item.answerable, ok))
        else:
            ranked = [(candidate.probability(c.features), c) for c in ex.reading.candidates]
            p, cand = max(ranked, key=lambda s: s[0], default=(0.0, None))
            ok = cand is not None and matches(cand.text, ex.item.answers)
            by_candidate.append((p, ex.item.answerable, ok))
    return Scorer(
        LogisticModel(sentence.features, sentence.coefficients, sentence.intercept, choose_threshold(by_sentence)),
        LogisticModel(candidate.features, candidate.coefficients, candidate.intercept, choose_threshold(by_candidate)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        pipeline = Pipeline(get_settings(data_dir=Path(data_dir)))
        pipeline.ingest(eval_corpus(pipeline.settings.corpus_dir))
        scorer = fit_rounds(pipeline, load_split("dev"), args.rounds)
    scorer.save(args.out)
    for name, model in (("sentence", scorer.sentence), ("candidate", scorer.candidate)):
        weights = ", ".join(f"{f}={c:+.2f}" for f, c in zip(model.features, model.coefficients, strict=True))
        print(f"{name}: threshold {model.threshold:.3f}, intercept {model.intercept:+.2f}; {weights}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
