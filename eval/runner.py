"""`rag eval`: run the eval set through the shared Pipeline, print and gate the scores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from eval.dataset import (
    DEFAULT_SET,
    DEFAULT_THRESHOLDS,
    GATED_SCORES,
    check_gold_evidence,
    load_eval_set,
    load_thresholds,
)
from eval.scoring import Outcome, Scores, score
from rag.config import get_settings
from rag.errors import InvalidInputError
from rag.pipeline import Pipeline
from rag.retrieval import RetrieverMode

MODES: tuple[RetrieverMode, ...] = ("dense", "bm25", "hybrid")


def run_eval(pipeline: Pipeline, set_path: Path, modes: tuple[RetrieverMode, ...], console: Console) -> list[Scores]:
    items = load_eval_set(set_path)
    documents = {r.doc_id: pipeline.document(r.doc_id).text for r in pipeline.documents()}
    problems = check_gold_evidence(items, documents)
    if problems:
        raise InvalidInputError("the eval set has bad gold evidence:\n  " + "\n  ".join(problems))
    results = []
    with Progress(console=console, transient=True) as bar:
        for mode in modes:
            task = bar.add_task(f"eval ({mode})", total=len(items))
            pipeline.forget_cached_vectors()  # each mode's latency starts from the same cold cache
            outcomes = []
            for item in items:
                answer, passages = pipeline.ask_with_passages(item.question, mode=mode)
                outcomes.append(Outcome(item, answer, passages, documents))
                bar.advance(task)
            results.append(score(mode, outcomes))
    return results


def gate(scores: Scores, thresholds: dict[str, float]) -> list[str]:
    return [
        f"{name} {getattr(scores, name):.3f} < {limit:.3f}"
        for name, limit in thresholds.items()
        if getattr(scores, name) < limit
    ]


# Short headers so the table fits an 80-column CI log; the JSON report keeps the full names.
HEADERS = {
    "answer_accuracy": "answer acc", "abstention_precision": "abst P", "abstention_recall": "abst R",
    "citation_validity": "cite valid", "gold_citation_rate": "gold cite", "hit_rate": "hit@k", "mrr": "MRR",
    "latency_p50_ms": "p50 ms", "latency_p95_ms": "p95 ms",
}  # fmt: skip


def summary_table(results: list[Scores], thresholds: dict[str, float]) -> Table:
    table = Table(title="Eval summary", padding=(0, 1))
    table.add_column("retriever")
    for name in (*GATED_SCORES, "latency_p50_ms", "latency_p95_ms"):
        table.add_column(HEADERS.get(name, name), justify="right")
    for scores in results:
        table.add_row(scores.mode, *(f"{getattr(scores, n):.3f}" for n in GATED_SCORES),
                      f"{scores.latency_p50_ms:.0f}", f"{scores.latency_p95_ms:.0f}")  # fmt: skip
    table.add_row("threshold", *(f"{thresholds.get(n, 0):.3f}" for n in GATED_SCORES), "", "")
    return table


def run_cli(set_path: Path | None, json_path: Path | None, retriever: str | None, thresholds_path: Path | None,
            console: Console) -> int:  # fmt: skip
    if retriever is not None and retriever not in MODES:
        raise InvalidInputError(f"--retriever must be one of {', '.join(MODES)}, got {retriever!r}")
    modes: tuple[RetrieverMode, ...] = (retriever,) if retriever else MODES  # type: ignore[assignment]
    thresholds = load_thresholds(thresholds_path or DEFAULT_THRESHOLDS)
    settings = get_settings()
    pipeline = Pipeline(settings)
    if settings.corpus_dir.exists():
        pipeline.ingest([settings.corpus_dir])
    results = run_eval(pipeline, set_path or DEFAULT_SET, modes, console)
    gated = next(s for s in results if s.mode == (retriever or "hybrid"))
    console.print(summary_table(results, thresholds))
    for failure in gated.failures:
        expected = f"    expected: {failure['expected']}\n    got:      {failure['got']}"
        console.print(f"[yellow]failed[/yellow] {failure['id']}: {failure['question']}\n{expected}", highlight=False)
    below = gate(gated, thresholds)
    report: dict[str, Any] = {"gated_mode": gated.mode, "thresholds": thresholds, "passed": not below,
                              "results": [s.to_dict() for s in results]}  # fmt: skip
    if json_path:
        json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    if below:
        console.print(f"[red]eval gate failed ({gated.mode}):[/red] " + "; ".join(below))
        return 1
    console.print(f"[green]eval gate passed ({gated.mode}, {gated.questions} questions)[/green]")
    return 0
