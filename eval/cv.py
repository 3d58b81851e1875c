"""Leave-one-article-out cross-validation of the candidate ranker on the dev split: `python -m eval.cv`.

For each dev article, the ranker is fit (as `eval.fit` fits it) on the other articles' questions and ranks the
held-out article's candidates; the figure is how many answerable candidate questions get a right answer first.
It estimates the ranker on articles it never saw, and chose `eval.fit.RANKER_L2`. The sentence model is held out the
same way: how often the gold sentence comes first, fit listwise (as `eval.fit` does) and fit one sentence at a time.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from eval import fit
from eval.scoring import matches
from eval.splits import eval_corpus, load_split
from rag.config import get_settings
from rag.pipeline import Pipeline


def held_out_top1(examples: list[fit.Example], l2: float) -> tuple[int, int]:
    """(right first, answerable candidate questions) over all articles, each ranked by a ranker fit without it."""
    answerable = [ex for ex in examples if ex.item.answerable and ex.reading.question.kind not in fit.SENTENCE_KINDS]
    rankers = fit.held_out_rankers(examples, l2)
    right = 0
    for ex in answerable:
        if ex.reading.candidates:
            ranker = rankers[fit.article_of(ex.item)]
            best = max(ex.reading.candidates, key=lambda cand: ranker.score(cand.features))
            right += int(matches(best.text, ex.item.answers))
    return right, len(answerable)


def held_out_sentences(examples: list[fit.Example], listwise: bool) -> tuple[int, int]:
    """(gold sentence first, answerable questions whose gold sentence is retrieved), each article's sentences scored by
    a sentence model fit without it: listwise as `eval.fit` fits it, or a logistic fit on single sentences."""
    marked = {id(ex): fit.sentence_marks(ex) for ex in examples}
    first = total = 0
    for article in sorted({fit.article_of(ex.item) for ex in examples}):
        train = [ex for ex in examples if fit.article_of(ex.item) != article]
        groups = [([e.features for e in ex.reading.evidence], marked[id(ex)]) for ex in train]
        if listwise:
            model = fit.fit_sentence_order(groups)
        else:
            rows = [row for sentences, _ in groups for row in sentences]
            model = fit.fit_logistic(rows, [m for _, marks in groups for m in marks], fit.SENTENCE_FEATURES)
        for ex in examples:
            if fit.article_of(ex.item) == article and any(marked[id(ex)]):
                scores = [model.score(e.features) for e in ex.reading.evidence]
                first += marked[id(ex)][scores.index(max(scores))]
                total += 1
    return first, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--l2", type=float, nargs="+", default=[0.01, 0.03, 0.1, 0.3, 1.0])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        pipeline = Pipeline(get_settings(data_dir=Path(data_dir)))
        pipeline.ingest(eval_corpus(pipeline.settings.corpus_dir))
        examples = fit.collect(pipeline, load_split("dev"))
    for l2 in args.l2:
        right, total = held_out_top1(examples, l2)
        print(f"L2={l2:g}: {right} of {total} answerable candidate questions right first, held out by article")
    for name, listwise in (("listwise", True), ("one by one", False)):
        first, total = held_out_sentences(examples, listwise)
        print(f"sentences fit {name}: gold sentence first for {first} of {total} answerable questions, held out")


if __name__ == "__main__":
    main()
