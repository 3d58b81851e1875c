"""Start-up time to ready, and /ask latency over HTTP (warm, 100 requests). Prints figures."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from eval.scoring import percentile
from tests.conftest import HEADLINE, rag_server


def main(requests: int = 100) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        with rag_server(Path(tmp)) as base:
            ready = time.perf_counter() - started
            with httpx.Client(timeout=30) as client:
                client.post(f"{base}/ask", json={"question": HEADLINE})
                latencies = []
                for _ in range(requests):
                    t0 = time.perf_counter()
                    client.post(f"{base}/ask", json={"question": HEADLINE}).raise_for_status()
                    latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    print(f"start-up to ready (fresh store, corpus ingested): {ready:.1f} s")
    print(f"/ask over HTTP, {requests} warm requests: p50 {statistics.median(latencies):.0f} ms, "
          f"p95 {percentile(latencies, 95):.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
