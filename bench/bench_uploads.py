"""Big uploads through a real `rag serve`: the many-lines file's time, and questions during a 1 MB upload.

The figures behind issue 12's two bounds (tests/test_many_lines.py, tests/test_writes_dont_block.py).
Run: HF_HUB_OFFLINE=1 python bench/bench_uploads.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import HEADLINE, rag_server
from tests.test_many_lines import many_lines, upload
from tests.test_writes_dont_block import big_article


def cpu_seconds(port: str) -> float:
    """User + system CPU time of the `rag serve` listening on this port."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in command and port.encode() in command:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    raise RuntimeError(f"no rag serve on port {port}")


def many_lines_upload(base: str) -> None:
    body = many_lines()
    port = base.rsplit(":", 1)[1]
    before = cpu_seconds(port)
    response, seconds = upload(base, "many-lines.txt", body)
    used = cpu_seconds(port) - before
    lines = body.count(b"\n") + 1
    print(f"many-lines: {len(body):,} bytes, {lines:,} lines -> {response.status_code} "
          f"{response.json().get('chunks')} passages in {seconds:.1f} s, server CPU {used:.1f} s")  # fmt: skip


def questions_during_upload(base: str) -> None:
    latencies: list[float] = []
    done: dict[str, float] = {}

    def write() -> None:
        done["seconds"] = upload(base, "long-report.txt", big_article())[1]

    writer = threading.Thread(target=write)
    writer.start()
    with httpx.Client(timeout=60) as client:
        while writer.is_alive():
            started = time.monotonic()
            client.post(f"{base}/ask", json={"question": HEADLINE}).raise_for_status()
            latencies.append(time.monotonic() - started)
            time.sleep(0.1)
    writer.join()
    print(f"1 MB upload in {done['seconds']:.1f} s; {len(latencies)} questions meanwhile: "
          f"p50 {statistics.median(latencies):.3f} s, worst {max(latencies):.3f} s")  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, rag_server(Path(tmp)) as base:
        httpx.post(f"{base}/ask", json={"question": HEADLINE}, timeout=60).raise_for_status()
        questions_during_upload(base)
        many_lines_upload(base)


if __name__ == "__main__":
    main()
