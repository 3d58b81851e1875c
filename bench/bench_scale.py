"""Stores of 1k, 10k and 100k chunks: ready time, /ask p50/p95, upload->answerable, RSS of `rag serve`.

    python bench/bench_scale.py [--sizes 1000,10000,100000] [--ingest-up-to 10000] [--quick] [--keep DIR]

Stores up to --ingest-up-to chunks are filled through `rag ingest` (synthetic articles made of corpus
sentences); bigger ones directly, with synthetic chunks and precomputed vectors (5 chunks a document),
and their local lexical index is built once before the server starts (as a replica that ran before).
--quick: sizes 1000 and 10000, both filled directly, 20 questions.
--keep DIR: fill each store in DIR/<size> and keep it; a store already there is measured again, not refilled
(the uploaded fact is deleted after each measurement, so a kept store stays as filled).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from serving import rag_serve, rss_mb  # bench/ is on sys.path when run as a script
from synthetic import nearby_vectors, synthetic_chunk_texts, write_articles

from eval.dataset import DEFAULT_SET, load_eval_set
from eval.scoring import percentile
from rag.config import get_settings
from rag.ledger import new_write_id
from rag.models import Chunk, DocumentRecord
from rag.pipeline import Pipeline

FACT = "The Ostravel canal now carries 4,521 barges a year, its operator said on Tuesday."
FACT_QUESTION = "How many barges a year does the Ostravel canal carry?"
UPLOADS = 5  # upload->answerable is measured this many times: one sample can meet a store flush


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--ingest-up-to", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the filled stores here, and reuse them")
    args = parser.parse_args()
    sizes = [1000, 10_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    ingest_up_to = 0 if args.quick else args.ingest_up_to
    questions = [item.question for item in load_eval_set(DEFAULT_SET)][: 20 if args.quick else args.questions]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start (shared machine)")
    for size in sizes:
        with tempfile.TemporaryDirectory() as scratch:
            tmp = args.keep / str(size) if args.keep else Path(scratch)
            data = tmp / "data"
            started = time.perf_counter()
            if (tmp / "filled").exists():
                how = f"kept in {tmp}"
            else:
                tmp.mkdir(parents=True, exist_ok=True)
                how = _fill_by_ingest(tmp, data, size) if size <= ingest_up_to else _fill_directly(data, size)
                (tmp / "filled").write_text(how)
            print(f"\n{size} chunks ({how}, filled in {time.perf_counter() - started:.0f} s)")
            _measure(data, tmp / "serve.log", questions)


def _fill_by_ingest(tmp: Path, data: Path, chunks: int) -> str:
    folder = tmp / "articles"
    write_articles(folder, max(1, chunks // 4))  # about 4 chunks an article
    env = {**os.environ, "RAG_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    subprocess.run([sys.executable, "-m", "rag.cli", "ingest", str(folder), "--json"], env=env, check=True)
    return "through `rag ingest`"


def _fill_directly(data: Path, size: int) -> str:
    pipeline = Pipeline(get_settings(data_dir=data))
    texts = synthetic_chunk_texts(size)
    vectors = nearby_vectors(pipeline.embedder.embed(texts[:500], urgent=False), size)
    for start in range(0, size, 5000):
        records, chunks = [], []
        for doc_start in range(start, min(size, start + 5000), 5):
            doc_id, write_id = f"synthetic-{doc_start // 5:06d}", new_write_id()
            body = texts[doc_start : doc_start + 5]
            offsets = [sum(len(t) + 2 for t in body[:i]) for i in range(len(body))]
            chunks += [
                Chunk(f"{doc_id}:{write_id}:{i}", doc_id, text, offsets[i], offsets[i] + len(text),
                      f"Synthetic {doc_id}", "2024-01-01", "bench", "h" + write_id, write_id)
                for i, text in enumerate(body)
            ]  # fmt: skip
            records.append(
                DocumentRecord(doc_id, f"Synthetic {doc_id}", "2024-01-01", "bench", None, None,
                               "h" + write_id, len(body), "\n\n".join(body), write_id)
            )  # fmt: skip
        pipeline.store.write_chunks(chunks, vectors[start : start + len(chunks)])
        pipeline.store.put_documents(records)
        pipeline._ingestor._ledger.committed([(r.write_id, r.doc_id) for r in records])
        for record in records:
            pipeline._follower.commit(record, [c for c in chunks if c.doc_id == record.doc_id])
    pipeline._follower.catch_up(force=True)  # the cursor a replica that ran before would have saved
    return "filled directly, precomputed vectors"


def _measure(data: Path, log: Path, questions: list[str]) -> None:
    with rag_serve(data, log) as (base, process, ready), httpx.Client(base_url=base, timeout=120) as client:
        first, _stage = _ask(client, questions[0])
        measured = [_ask(client, q) for q in questions]
        latencies = [total for total, _retrieve in measured]
        retrieve_stage = sorted(retrieve for _total, retrieve in measured)
        uploads = [_upload_until_answerable(client, i) for i in range(UPLOADS)]
        rss = rss_mb(process.pid)
    ordered = sorted(latencies)
    print(f"  ready {ready:.1f} s; first /ask {first * 1000:.0f} ms; RSS {rss:.0f} MB")
    print(f"  /ask over {len(ordered)} questions: p50 {statistics.median(ordered) * 1000:.0f} ms, "
          f"p95 {percentile(ordered, 95) * 1000:.0f} ms; retrieve stage (server-side) "
          f"p50 {statistics.median(retrieve_stage):.0f} ms, p95 {percentile(retrieve_stage, 95):.0f} ms")  # fmt: skip
    totals = sorted(total for total, _upload, _ask in uploads)
    print(f"  upload->answerable over {len(uploads)} uploads (each: upload, then /ask until it cites the fact): "
          f"median {statistics.median(totals) * 1000:.0f} ms, max {totals[-1] * 1000:.0f} ms; each as "
          "total (upload + citing /ask): "
          + ", ".join(f"{t * 1000:.0f} ({u * 1000:.0f} + {a * 1000:.0f})" for t, u, a in uploads))  # fmt: skip


def _upload_until_answerable(client: httpx.Client, i: int) -> tuple[float, float, float]:
    """Seconds from the upload's start until an /ask cites it; the upload's own; the citing /ask's own."""
    started = time.perf_counter()
    fact = {"title": f"Ostravel canal {i}", "text": FACT.replace("4,521", f"4,52{i}")}
    response = client.post("/documents", json=fact)
    response.raise_for_status()
    uploaded = time.perf_counter()
    doc_id = response.json()["doc_id"]
    while True:
        asked = time.perf_counter()  # when the index was read for the /ask that first cites the fact
        if _cites(client, doc_id) or asked - uploaded > 30:
            break
        time.sleep(0.01)
    answerable = time.perf_counter()
    client.delete(f"/documents/{doc_id}").raise_for_status()
    return answerable - started, uploaded - started, answerable - asked


def _cites(client: httpx.Client, doc_id: str) -> bool:
    citations = client.post("/ask", json={"question": FACT_QUESTION}).json()["citations"]
    return any(c["doc_id"] == doc_id for c in citations)


def _ask(client: httpx.Client, question: str) -> tuple[float, float]:
    """Seconds for the whole request, and the server's retrieve stage in ms."""
    started = time.perf_counter()
    response = client.post("/ask", json={"question": question})
    response.raise_for_status()
    return time.perf_counter() - started, float(response.json()["timings_ms"]["retrieve"])


if __name__ == "__main__":
    main()
