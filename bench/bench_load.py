"""8 concurrent HTTP clients asking the seed corpus for 30 s: answers/s, p50/p95, errors.

python bench/bench_load.py [--clients 8] [--seconds 30] [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
from serving import rag_serve  # bench/ is on sys.path when run as a script

from eval.dataset import DEFAULT_SET, load_eval_set
from eval.scoring import percentile

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--quick", action="store_true", help="10 s")
    args = parser.parse_args()
    seconds = 10 if args.quick else args.seconds
    questions = [item.question for item in load_eval_set(DEFAULT_SET)]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start (shared machine)")
    with tempfile.TemporaryDirectory() as tmp, rag_serve(Path(tmp) / "data", Path(tmp) / "serve.log", CORPUS) as (
        base, _process, ready,
    ):  # fmt: skip
        print(f"ready in {ready:.1f} s (corpus ingested)")
        for question in questions:  # every question once, so the run measures steady state
            httpx.post(f"{base}/ask", json={"question": question}, timeout=120)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        deadline = time.perf_counter() + seconds
        workers = [
            threading.Thread(
                target=_client, args=(base, questions[n :: args.clients], deadline, latencies, errors, lock)
            )
            for n in range(args.clients)
        ]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    print(f"{args.clients} clients, {elapsed:.1f} s: {len(ordered) / elapsed:.1f} answers/s, {len(errors)} errors")
    if ordered:
        print(f"latency p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {percentile(ordered, 95) * 1000:.0f} ms")
    for error in errors[:5]:
        print(f"  error: {error}")


def _client(
    base: str, questions: list[str], deadline: float, latencies: list[float], errors: list[str], lock: threading.Lock
) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        n = 0
        while time.perf_counter() < deadline:
            question = questions[n % len(questions)]
            n += 1
            started = time.perf_counter()
            try:
                response = client.post("/ask", json={"question": question})
                ok = response.status_code == 200
                problem = f"{response.status_code} {response.text[:100]}"
            except httpx.HTTPError as exc:
                ok, problem = False, repr(exc)
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors.append(problem)


if __name__ == "__main__":
    main()
