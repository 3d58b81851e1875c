"""`rag eval`: run the eval set through the shared Pipeline, print and gate the scores."""

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
from rag.models import Answer
from rag.pipeline import Pipeline
from rag.retrieval import RetrieverMode

MODES: tuple[RetrieverMode, ...] = ("dense", "bm25", "hybrid")


def run_eval(
    pipeline: Pipeline, set_path: Path, modes: tuple[RetrieverMode, ...], console: Console,
    llm_mode: RetrieverMode | None = None,
) -> list[Scores]:  # fmt: skip
    """A row per retriever with the extractive answerer, plus one with the LLM on `llm_mode` when given."""
    items = load_eval_set(set_path)
    documents = {r.doc_id: pipeline.document(r.doc_id).text for r in pipeline.documents()}
    problems = check_gold_evidence(items, documents)
    if problems:
        raise InvalidInputError("the eval set has bad gold evidence:\n  " + "\n  ".join(problems))
    runs: list[tuple[RetrieverMode, str]] = [(mode, "extractive") for mode in modes]
    runs += [(llm_mode, "llm")] if llm_mode else []
    results = []
    with Progress(console=console, transient=True) as bar:
        for mode, answerer in runs:
            label = mode if answerer == "extractive" else f"{mode}+llm"
            task = bar.add_task(f"eval ({label})", total=len(items))
            pipeline.forget_cached_vectors()  # each mode's latency starts from the same cold cache
            outcomes = []
            for item in items:
                answer, passages = pipeline.ask_with_passages(item.question, mode=mode, answerer=answerer)
                outcomes.append(Outcome(item, answer, passages, documents))
                bar.advance(task)
            results.append(score(label, outcomes))
            if answerer == "llm":
                results[-1].llm = llm_summary([o.answer for o in outcomes])
    return results


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
            console: Console, answerer: str | None = None) -> int:  # fmt: skip
    if retriever is not None and retriever not in MODES:
        raise InvalidInputError(f"--retriever must be one of {', '.join(MODES)}, got {retriever!r}")
    if answerer not in (None, "extractive", "llm"):
        raise InvalidInputError(f"--answerer must be extractive or llm, got {answerer!r}")
    modes: tuple[RetrieverMode, ...] = (retriever,) if retriever else MODES  # type: ignore[assignment]
    thresholds = load_thresholds(thresholds_path or DEFAULT_THRESHOLDS)
    settings = get_settings()
    pipeline = Pipeline(settings)
    llm_mode: RetrieverMode | None = (retriever or "hybrid") if answerer == "llm" else None  # type: ignore[assignment]
    pipeline.check_answerer(answerer)
    if settings.corpus_dir.exists():
        pipeline.ingest([settings.corpus_dir])
    results = run_eval(pipeline, set_path or DEFAULT_SET, modes, console, llm_mode)
    gated = next(s for s in results if s.mode == (retriever or "hybrid"))
    console.print(summary_table(results, thresholds))
    for scores in results:
        if scores.llm:
            summary = {k: v for k, v in scores.llm.items() if k != "unbacked"}
            console.print(f"{scores.mode}: {json.dumps(summary, ensure_ascii=False)}", highlight=False)
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
