"""Starting a real `rag serve` for the benchmarks, and reading its memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def rag_serve(
    data_dir: Path, log: Path, ingest: Path | None = None, tree: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """A `rag serve` on a free loopback port: (base URL, process, seconds until /readyz said ready).

    `tree`: run the code of this checkout (another worktree) instead of the installed one.
    """
    port = free_port()
    env = {**os.environ, "RAG_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    if tree:
        env["PYTHONPATH"] = str(tree)
    if ingest:
        env["RAG_CORPUS_DIR"] = str(ingest)
    flag = "--ingest" if ingest else "--no-ingest"
    with log.open("ab") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "rag.cli", "serve", "--port", str(port), flag], env=env, stdout=out, stderr=out,
            cwd=tree,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            ready = _wait_ready(base, process) - started
            yield base, process, ready
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 600) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"rag serve exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return time.perf_counter()
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{base} not ready after {timeout} s")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
