"""A real `rag serve` over a real `chroma run` server that is paused, stopped and restarted."""

from __future__ import annotations

import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import DOC_14YMEDIO, HEADLINE, free_port, rag_server, start_chroma, stop

pytestmark = pytest.mark.server
TIMEOUT_S = 2.0
# The timeout, plus the time to answer the part of the question that does not touch the store.
DEADLINE_S = TIMEOUT_S + 3.0
STORE_ROUTES = [
    ("POST", "/ask", {"json": {"question": HEADLINE}}),
    ("GET", "/documents", {}),
    ("GET", f"/documents/{DOC_14YMEDIO}", {}),
    ("DELETE", f"/documents/{DOC_14YMEDIO}", {}),
    ("POST", "/documents", {"json": {"title": "Ferry", "text": "The ferry runs 6 boats a day."}}),
    ("POST", "/v1/chat/completions", {"json": {"messages": [{"role": "user", "content": HEADLINE}]}}),
]


def timed(method: str, url: str, **kwargs: object) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.request(method, url, timeout=60, **kwargs)  # type: ignore[arg-type]
    return response, time.monotonic() - started


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "store_unavailable"
    assert response.headers["retry-after"]


def test_paused_stopped_and_restarted_chroma(tmp_path: Path) -> None:
    port = free_port()
    chroma = start_chroma(tmp_path / "chroma", port, tmp_path / "chroma.log")
    env = {"RAG_CHROMA_URL": f"http://127.0.0.1:{port}", "RAG_STORE_TIMEOUT_S": str(TIMEOUT_S)}
    try:
        with rag_server(tmp_path, **env) as base:
            assert httpx.post(f"{base}/ask", json={"question": HEADLINE}, timeout=60).json()["answered"]

            chroma.send_signal(signal.SIGSTOP)  # paused: connections open, nothing answers
            try:
                with ThreadPoolExecutor(8) as pool:  # more stuck requests than a few worker threads
                    stuck = [pool.submit(timed, "POST", f"{base}/ask", json={"question": HEADLINE}) for _ in range(8)]
                    health, health_s = timed("GET", f"{base}/healthz")
                    assert health.status_code == 200
                    assert health_s < 1.0
                    for future in stuck:
                        response, seconds = future.result()
                        assert_unavailable(response)
                        assert seconds < DEADLINE_S + 5 * TIMEOUT_S  # queued behind others, still bounded
                response, seconds = timed("POST", f"{base}/ask", json={"question": HEADLINE})
                assert_unavailable(response)
                assert seconds < DEADLINE_S
                ready, seconds = timed("GET", f"{base}/readyz")
                assert ready.status_code == 503
                assert seconds < DEADLINE_S
                metrics, seconds = timed("GET", f"{base}/metrics")
                assert metrics.status_code == 200
                assert "rag_store_up 0.0" in metrics.text
                assert seconds < DEADLINE_S
            finally:
                chroma.send_signal(signal.SIGCONT)
            assert httpx.post(f"{base}/ask", json={"question": HEADLINE}, timeout=60).json()["answered"]

            stop(chroma)  # stopped: connections refused
            for method, path, kwargs in STORE_ROUTES:
                response, seconds = timed(method, f"{base}{path}", **kwargs)
                assert_unavailable(response)
                assert seconds < DEADLINE_S
            metrics = httpx.get(f"{base}/metrics", timeout=30)
            assert metrics.status_code == 200
            assert "rag_store_up 0.0" in metrics.text
            assert httpx.get(f"{base}/healthz").status_code == 200

            chroma = start_chroma(tmp_path / "chroma", port, tmp_path / "chroma.log")  # same data, same port
            answer = httpx.post(f"{base}/ask", json={"question": HEADLINE}, timeout=60)
            assert answer.status_code == 200
            assert answer.json()["answered"]
            assert "rag_store_up 1.0" in httpx.get(f"{base}/metrics", timeout=30).text
        log = next(tmp_path.glob("server-*.log")).read_text()
        assert "Traceback" not in log
    finally:
        stop(chroma)
