"""Ingest time, chunks per article, and warm `ask` latency in-process. Prints figures."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

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
        pipeline.ask("warm-up question about Cuba")
        times = [pipeline.ask("How many times has Lavrov visited Cuba?").timings_ms["total"] for _ in range(30)]
        print(f"ask (warm, in-process, 30 runs): p50 {statistics.median(times):.0f} ms, max {max(times):.0f} ms")


if __name__ == "__main__":
    main()
