"""Ingest time, chunks per article, and `ask` latency in-process. Prints figures."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from eval.dataset import DEFAULT_SET, load_eval_set
from eval.scoring import percentile
from rag.config import get_settings
from rag.pipeline import Pipeline

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        pipeline = Pipeline(get_settings(data_dir=Path(tmp)))
        print(f"model + store load: {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        report = pipeline.ingest([CORPUS])
        print(f"ingest of {CORPUS.name}/: {time.perf_counter() - t0:.2f} s, {report.to_dict()}")
        for record in pipeline.documents():
            print(f"  {record.doc_id}: {record.chunks} chunks, {len(pipeline.document(record.doc_id).text)} chars")
        t0 = time.perf_counter()
        again = pipeline.ingest([CORPUS]).to_dict()
        print(f"re-ingest: {time.perf_counter() - t0:.3f} s, {again}")
        questions = [item.question for item in load_eval_set(DEFAULT_SET)]
        first = [pipeline.ask(q).timings_ms for q in questions]
        _report(f"ask, {len(questions)} distinct eval questions, each asked once", first)
        again = [pipeline.ask(q).timings_ms for q in questions]
        _report("ask, the same questions again (question and sentence vectors cached)", again)


def _report(label: str, timings: list[dict[str, float]]) -> None:
    total = sorted(t["total"] for t in timings)
    answer = sorted(t["answer"] for t in timings)
    print(
        f"{label}: p50 {statistics.median(total):.0f} ms, p95 {percentile(total, 95):.0f} ms, max {total[-1]:.0f} ms"
        f" (answer stage p50 {statistics.median(answer):.0f} ms)"
    )


if __name__ == "__main__":
    main()
