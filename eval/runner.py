"""`rag eval`: the splits (seed, dev, test) through the shared Pipeline; a row per split and per answer
type; each split gated by its thresholds."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from eval.audit import audit
from eval.dataset import DEFAULT_THRESHOLDS, GATED_SCORES, EvalItem, check_gold_evidence, load_eval_set
from eval.scoring import Outcome, Scores, accuracy_by_type, score
from eval.splits import SPLITS, eval_corpus, load_split
from eval.thresholds import load_thresholds
from rag.config import get_settings
from rag.errors import InvalidInputError
from rag.models import Answer
from rag.pipeline import Pipeline
from rag.retrieval import RetrieverMode

MODES: tuple[RetrieverMode, ...] = ("dense", "bm25", "hybrid")
HELD_OUT = frozenset({"test"})  # splits never looked at while the reader is changed


def run_split(pipeline: Pipeline, split: str, items: list[EvalItem], mode: RetrieverMode, bar: Progress,
              documents: dict[str, str], answerer: str = "extractive") -> tuple[Scores, list[Outcome]]:  # fmt: skip
    label = mode if answerer == "extractive" else f"{mode}+{answerer}"
    task = bar.add_task(f"eval {split} ({label})", total=len(items))
    outcomes = []
    for item in items:
        answer, passages = pipeline.ask_with_passages(item.question, mode=mode, answerer=answerer)
        outcomes.append(Outcome(item, answer, passages, documents))
        bar.advance(task)
    scores = score(split, label, outcomes)
    if answerer == "llm":
        scores.llm = llm_summary([o.answer for o in outcomes])
    return scores, outcomes


def llm_summary(answers: list[Answer]) -> dict[str, Any]:
    """How often the LLM's answer was shown, why it was not, and the audit's count of unbacked terms."""
    row = audit(answers)
    reasons = Counter(re.sub(r"'[^']*'", "'…'", a.fallback_reason) for a in answers if a.fallback_reason)
    return {
        "shown_verified": row.answers_shown_as_llm,
        "shown_does_not_say": sum(1 for a in answers if a.answerer == "llm" and not a.answered),
        "fell_back": sum(1 for a in answers if a.fallback_reason),
        "fallback_reasons": dict(reasons.most_common()),
        "unbacked_terms_in_verified": len(row.unbacked),
        "unbacked": row.unbacked,
    }


# Short headers so the table fits an 80-column CI log; the JSON report keeps the full names.
HEADERS = {
    "answer_accuracy": "answer acc", "abstention_precision": "abst P", "abstention_recall": "abst R",
    "citation_validity": "cite valid", "gold_citation_rate": "gold cite", "hit_rate": "hit@k", "mrr": "MRR",
    "latency_p50_ms": "p50 ms", "latency_p95_ms": "p95 ms",
}  # fmt: skip


def summary_table(results: list[Scores]) -> Table:
    table = Table(title="Eval summary", padding=(0, 1))
    for name in ("split", "retriever", "n"):
        table.add_column(name)
    for name in (*GATED_SCORES, "latency_p50_ms", "latency_p95_ms"):
        table.add_column(HEADERS.get(name, name), justify="right")
    for s in results:
        table.add_row(s.split, s.mode, str(s.questions), *(f"{getattr(s, n):.3f}" for n in GATED_SCORES),
                      f"{s.latency_p50_ms:.0f}", f"{s.latency_p95_ms:.0f}")  # fmt: skip
    return table


def type_table(by_split: dict[str, list[Outcome]]) -> Table:
    table = Table(title="Accuracy per type", caption="none: right when abstained", padding=(0, 1))
    table.add_column("type")
    for split in by_split:
        table.add_column(split, justify="right")
    types = sorted({o.item.type for outcomes in by_split.values() for o in outcomes})
    counts = {split: accuracy_by_type(outcomes) for split, outcomes in by_split.items()}
    for kind in types:
        cells = []
        for split in by_split:
            right, asked = counts[split].get(kind, (0, 0))
            cells.append(f"{right}/{asked} {right / asked:.2f}" if asked else "")
        table.add_row(kind, *cells)
    return table


def gate(scores: Scores, thresholds: dict[str, float]) -> list[str]:
    return [
        f"{scores.split}: {name} {getattr(scores, name):.3f} < {limit:.3f}"
        for name, limit in thresholds.items()
        if getattr(scores, name) < limit
    ]


def select(split: str | None, set_path: Path | None) -> dict[str, list[EvalItem]]:
    if set_path is not None:
        return {split or "custom": load_eval_set(set_path)}
    if split not in (None, "all", *SPLITS):
        raise InvalidInputError(f"--split must be one of {', '.join(SPLITS)} or all, got {split!r}")
    chosen = SPLITS if split in (None, "all") else (split,)
    return {name: load_split(name) for name in chosen}  # type: ignore[arg-type]


def run_cli(set_path: Path | None, json_path: Path | None, retriever: str | None, thresholds_path: Path | None,
            console: Console, split: str | None = None, answerer: str | None = None) -> int:  # fmt: skip
    if retriever is not None and retriever not in (*MODES, "all"):
        raise InvalidInputError(f"--retriever must be one of {', '.join(MODES)} or all, got {retriever!r}")
    if answerer not in (None, "extractive", "llm"):
        raise InvalidInputError(f"--answerer must be extractive or llm, got {answerer!r}")
    modes: tuple[RetrieverMode, ...] = MODES if retriever == "all" else (retriever or "hybrid",)  # type: ignore[assignment]
    gated_mode = "hybrid" if retriever in (None, "all") else retriever
    splits = select(split, set_path)
    thresholds = load_thresholds(thresholds_path or DEFAULT_THRESHOLDS, list(splits))
    settings = get_settings()
    pipeline = Pipeline(settings)
    pipeline.check_answerer(answerer)
    pipeline.ingest(eval_corpus(settings.corpus_dir))
    documents = {r.doc_id: pipeline.document(r.doc_id).text for r in pipeline.documents()}
    problems = [p for items in splits.values() for p in check_gold_evidence(items, documents)]
    if problems:
        raise InvalidInputError("the eval set has bad gold evidence:\n  " + "\n  ".join(problems))
    results, gated_outcomes = [], {}
    with Progress(console=console, transient=True) as bar:
        for mode in modes:
            pipeline.forget_cached_vectors()  # each mode's latency starts from the same cold cache
            for name, items in splits.items():
                scores, outcomes = run_split(pipeline, name, items, mode, bar, documents)
                results.append(scores)
                if mode == gated_mode:
                    gated_outcomes[name] = outcomes
        if answerer == "llm":  # a row per split through the LLM, on the gated retriever; not gated itself
            for name, items in splits.items():
                results.append(run_split(pipeline, name, items, gated_mode, bar, documents, "llm")[0])  # type: ignore[arg-type]
    return report(results, gated_outcomes, gated_mode, thresholds, json_path, console)


def report(results: list[Scores], outcomes: dict[str, list[Outcome]], gated_mode: str,
           thresholds: dict[str, dict[str, float]], json_path: Path | None, console: Console) -> int:  # fmt: skip
    console.print(summary_table(results))
    console.print(type_table(outcomes))
    for scores in results:
        if scores.llm:
            summary = {k: v for k, v in scores.llm.items() if k != "unbacked"}
            console.print(f"{scores.split} {scores.mode}: {json.dumps(summary, ensure_ascii=False)}", highlight=False)
    gated = [s for s in results if s.mode == gated_mode]
    for scores in gated:
        if scores.split in HELD_OUT and scores.failures:
            # A held-out split's questions and answers stay out of logs that many people read (CI's);
            # the JSON report has them.
            ids = ", ".join(f["id"] for f in scores.failures)
            console.print(f"[yellow]failed[/yellow] {scores.split} (held out, see --json): {ids}", highlight=False)
            continue
        for failure in scores.failures:
            expected = f"    expected: {failure['expected']}\n    got:      {failure['got']}"
            console.print(f"[yellow]failed[/yellow] {scores.split} {failure['id']}: {failure['question']}\n{expected}",
                          highlight=False)  # fmt: skip
    below = [line for s in gated for line in gate(s, thresholds.get(s.split, {}))]
    data: dict[str, Any] = {"gated_mode": gated_mode, "thresholds": thresholds, "passed": not below,
                            "results": [s.to_dict() for s in results],
                            "by_type": {k: accuracy_by_type(v) for k, v in outcomes.items()}}  # fmt: skip
    if json_path:
        json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    if below:
        console.print(f"[red]eval gate failed ({gated_mode}):[/red] " + "; ".join(below))
        return 1
    total = sum(s.questions for s in gated)
    console.print(f"[green]eval gate passed ({gated_mode}, {total} questions)[/green]")
    return 0
