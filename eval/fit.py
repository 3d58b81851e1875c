"""Refit the reader's weights and abstention thresholds on the dev split: `python -m eval.fit`.

Sentences are labelled by whether they are gold evidence, candidates by whether they match an accepted
answer; unanswerable questions give only negatives. Each threshold is the one that answers the most dev
questions right while keeping abstention precision at or above the target.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

from eval.dataset import EvalItem
from eval.scoring import matches
from eval.splits import eval_corpus, load_split
from rag.answerer.candidates import Candidate
from rag.answerer.features import CANDIDATE_FEATURES, CONFIDENCE_FEATURES, SENTENCE_FEATURES
from rag.answerer.reader import Reading, confidence_inputs
from rag.answerer.scoring import WEIGHTS_PATH, LinearModel, Scorer
from rag.config import get_settings
from rag.pipeline import Pipeline

SENTENCE_KINDS = ("yesno", "description", "role")
ABSTENTION_PRECISION = 0.9
# The ranker's L2 penalty, chosen by leave-one-article-out cross-validation on dev (`python -m eval.cv`; right first
# of 404 answerable candidate questions on the 40 dev articles in session 16: 0.01 209, 0.03 210, 0.1 210, 0.3 210,
# 1 209; session 15, 412 questions: 0.01 213, 0.03 212, 0.1 208, 0.3 205, 1 205; on the 32 articles of session 14,
# 315 questions: 0.01 172, 0.03 172, 0.1 171, where the pairwise fit used before session 14 put 161 first at C=0.1).
RANKER_L2 = 0.03
# The sentence order's L2 penalty: the gold sentence's first-place rate (leave-one-article-out, 434 questions) is
# 70.0% at 0.003, 0.03 and 0.1, 69.8% at 0.3 and 69.4% at 1.
SENTENCE_L2 = 0.03


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


def fit_logistic(rows: list[dict[str, float]], labels: list[int], names: tuple[str, ...]) -> LinearModel:
    x = np.array([[row[n] for n in names] for row in rows], dtype=float)
    if len(set(labels)) < 2:
        raise SystemExit("the dev split gives only one class of examples; add questions before fitting")
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000).fit(x, np.array(labels))
    return LinearModel(names, tuple(float(c) for c in model.coef_[0]), float(model.intercept_[0]))


def fit_ranker(groups: list[tuple[list[dict[str, float]], list[int]]], l2: float = RANKER_L2) -> LinearModel:
    """Listwise (a conditional logit): the weights that give the right candidates of each question the most of the
    softmax over that question's candidates, so what is fit is what the reader does: put a right one first."""
    return fit_listwise(groups, CANDIDATE_FEATURES, l2)


def fit_listwise(
    groups: list[tuple[list[dict[str, float]], list[int]]], names: tuple[str, ...], l2: float
) -> LinearModel:
    """A conditional logit over each group (one question's candidates, or its sentences) of the named features."""
    data = [
        (np.array([[row[n] for n in names] for row in rows], dtype=float), np.array(marks, dtype=float))
        for rows, marks in groups
        if any(marks)  # a question with no right candidate says nothing about the order
    ]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, gradient = 0.5 * l2 * float(w @ w), l2 * w
        for x, right in data:
            scores = x @ w
            p = np.exp(scores - scores.max())
            p /= p.sum()
            mass = float(p @ right)
            total -= np.log(mass)
            gradient = gradient - x.T @ (p * right) / mass + x.T @ p
        return total, gradient

    weights = minimize(loss, np.zeros(len(names)), jac=True, method="L-BFGS-B").x
    return LinearModel(names, tuple(float(c) for c in weights))


def fit_sentence(examples: list[Example]) -> LinearModel:
    """Sentences are ordered as candidates are, listwise over each answerable question's sentences (the gold ones
    first): the reader answers from the first. Leave-one-article-out on the 40 dev articles of session 16, the gold
    sentence comes first for 304 of the 434 answerable questions whose gold sentence is retrieved (70%), against 278
    (64%) for a logistic fit on the sentences one by one (`python -m eval.cv` prints both)."""
    return fit_sentence_order([([e.features for e in ex.reading.evidence], sentence_marks(ex)) for ex in examples])


def sentence_marks(ex: Example) -> list[int]:
    """1 for each of the question's sentences that is gold evidence of an answerable question, else 0."""
    return [int(ex.item.answerable and is_gold(ex.item, e.passage.chunk.doc_id, e.sentence.text))
            for e in ex.reading.evidence]  # fmt: skip


def fit_sentence_order(groups: list[tuple[list[dict[str, float]], list[int]]], l2: float = SENTENCE_L2) -> LinearModel:
    """The listwise order, scaled to a probability (Platt) so that a sentence's support reads as before: the yes/no
    reader's margin and the abstention threshold are probabilities. Scaling keeps the order."""
    order = fit_listwise(groups, SENTENCE_FEATURES, l2)
    rows = [{"score": order.score(row)} for sentences, _ in groups for row in sentences]
    scale = fit_logistic(rows, [mark for _, marks in groups for mark in marks], ("score",))
    (slope,) = scale.coefficients
    return LinearModel(SENTENCE_FEATURES, tuple(slope * c for c in order.coefficients), scale.intercept)


def choose_threshold(scored: list[tuple[float, bool, bool]], abstaining: list[bool] | None = None) -> float:
    """scored: (probability, answerable, right if answered); abstaining: answerable flags of questions that
    abstain whatever the threshold. The threshold with the most right decisions (right answers and right
    abstentions) among those whose abstentions stay at least ABSTENTION_PRECISION precise."""
    fixed = abstaining or []
    best, best_total = 0.0, -1
    for threshold in sorted({round(p, 4) for p, _, _ in scored} | {0.0}):
        abstained = [answerable for p, answerable, _ in scored if p < threshold] + fixed
        precision = (sum(not a for a in abstained) / len(abstained)) if abstained else 1.0
        right = sum(1 for p, answerable, ok in scored if p >= threshold and answerable and ok)
        total = right + sum(not a for a in abstained)
        if precision >= ABSTENTION_PRECISION and total > best_total:
            best, best_total = threshold, total
    return best


def fit(examples: list[Example]) -> Scorer:
    sentence = fit_sentence(examples)
    ranker = fit_ranker(ranking_groups(examples))
    confidence = fit_confidence(examples, held_out_rankers(examples))
    return Scorer(
        replace(sentence, threshold=choose_threshold(sentence_decisions(examples, sentence))),
        ranker,
        confidence,
    )


def ranking_groups(examples: list[Example]) -> list[tuple[list[dict[str, float]], list[int]]]:
    groups = []
    for ex in examples:
        marks = [int(ex.item.answerable and matches(c.text, ex.item.answers)) for c in ex.reading.candidates]
        if any(marks):
            groups.append(([c.features for c in ex.reading.candidates], marks))
    return groups


def article_of(item: EvalItem) -> str:
    """The article a question is about: its id's first word names it, answerable or not."""
    return item.id.split("-", 1)[0]


def held_out_rankers(examples: list[Example], l2: float = RANKER_L2) -> dict[str, LinearModel]:
    """For each article, a ranker fit without its questions: the confidence is fit on rank scores the ranker
    gives questions it was not fit on, as it will on a user's articles (in-sample scores are overconfident)."""
    articles = sorted({article_of(ex.item) for ex in examples})
    return {
        article: fit_ranker(ranking_groups([ex for ex in examples if article_of(ex.item) != article]), l2)
        for article in articles
    }


def fit_confidence(examples: list[Example], rankers: dict[str, LinearModel]) -> LinearModel:
    """Logistic over the ranked candidate: right (answerable, matching) or not."""
    rows, labels, answerable, without = [], [], [], []
    for ex in examples:
        if ex.reading.missing or ex.reading.question.kind in SENTENCE_KINDS:
            continue
        if not ex.reading.candidates:
            without.append(ex.item.answerable)  # abstains whatever the threshold
            continue
        top, values = _ranked_top(ex.reading.candidates, rankers[article_of(ex.item)])
        rows.append(values)
        labels.append(int(ex.item.answerable and matches(top.text, ex.item.answers)))
        answerable.append(ex.item.answerable)
    model = fit_logistic(rows, labels, CONFIDENCE_FEATURES)
    scored = [(model.probability(r), a, bool(m)) for r, a, m in zip(rows, answerable, labels, strict=True)]
    fixed = without + [ex.item.answerable for ex in examples if ex.reading.missing]
    return replace(model, threshold=choose_threshold(scored, fixed))


def _ranked_top(candidates: list[Candidate], ranker: LinearModel) -> tuple[Candidate, dict[str, float]]:
    """The candidate the ranker puts first, with its confidence features (as the reader computes them)."""
    inputs = confidence_inputs(candidates, ranker)
    best = max(range(len(candidates)), key=lambda i: inputs[i][0])
    return candidates[best], inputs[best][1]


def sentence_decisions(examples: list[Example], sentence: LinearModel) -> list[tuple[float, bool, bool]]:
    decided = []
    for ex in examples:
        if ex.reading.missing or ex.reading.question.kind not in SENTENCE_KINDS:
            continue
        scored = [(sentence.probability(e.features), e) for e in ex.reading.evidence]
        p, top = max(scored, key=lambda s: s[0], default=(0.0, None))
        ok = top is not None and is_gold(ex.item, top.passage.chunk.doc_id, top.sentence.text)
        decided.append((p, ex.item.answerable, ok))
    return decided


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    Scorer.load(lenient=True).save()  # features added since the last fit start at weight 0
    with tempfile.TemporaryDirectory() as data_dir:
        pipeline = Pipeline(get_settings(data_dir=Path(data_dir)))
        pipeline.ingest(eval_corpus(pipeline.settings.corpus_dir))
        scorer = fit_rounds(pipeline, load_split("dev"), args.rounds)
    scorer.save(args.out)
    for name, model in (("sentence", scorer.sentence), ("ranker", scorer.ranker), ("confidence", scorer.confidence)):
        weights = ", ".join(f"{f}={c:+.2f}" for f, c in zip(model.features, model.coefficients, strict=True))
        print(f"{name}: threshold {model.threshold:.3f}, intercept {model.intercept:+.2f}; {weights}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
