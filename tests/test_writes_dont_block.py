"""Writes never block reads: questions keep their latency while a 1 MB article is ingested (real server)."""

from __future__ import annotations

import random
import re
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import CORPUS, HEADLINE

pytestmark = pytest.mark.server


def big_article(size: int = 950_000) -> bytes:
    """`size` bytes of distinct paragraphs of corpus words in a shuffled order, none of the question's words."""
    asked = set(re.findall(r"\w+", HEADLINE.lower()))
    text = " ".join(path.read_text() for path in sorted(CORPUS.glob("*.txt")))
    words = sorted({w for w in re.findall(r"[A-Za-z]+", text) if w.lower() not in asked})
    shuffler = random.Random(7)
    paragraphs = ["A long report on the trade talks"]
    length = len(paragraphs[0])
    while length < size:
        sentences = [" ".join(shuffler.choices(words, k=shuffler.randint(12, 24))).capitalize() + "." for _ in range(4)]
        paragraphs.append(" ".join(sentences))
        length += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs).encode()[:size]


def test_questions_stay_fast_while_a_1_mb_upload_is_processed(server: str, tmp_path: Path) -> None:
    body = big_article()
    assert 900_000 < len(body) <= 1_000_000
    assert httpx.post(f"{server}/ask", json={"question": HEADLINE}, timeout=30).status_code == 200
    outcome: dict[str, object] = {}

    def upload() -> None:
        started = time.monotonic()
        files = {"file": ("long-report.txt", body, "text/plain")}
        outcome["response"] = httpx.post(f"{server}/documents", files=files, timeout=600)
        outcome["seconds"] = time.monotonic() - started

    writer = threading.Thread(target=upload)
    writer.start()
    latencies = []
    with httpx.Client(timeout=30) as client:
        while writer.is_alive():
            started = time.monotonic()
            response = client.post(f"{server}/ask", json={"question": HEADLINE})
            latencies.append(time.monotonic() - started)
            assert response.status_code == 200
            time.sleep(0.1)
    writer.join()
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 201, response.text
    assert response.json()["chunks"] > 500  # a big upload, embedded in many batches
    assert len(latencies) >= 10, f"the upload took only {outcome['seconds']} s"
    shown = " ".join(f"{x:.2f}" for x in latencies) + f" upload {outcome['seconds']:.1f} s"
    # Issue 12's bound: every question under 1 s. It holds because nothing a question does waits for the
    # upload: ingest embeds on its own model copy; Chroma's writes, which hold the GIL, wait between batches
    # until the questions in progress are answered (a question counts from its arrival), so a question waits
    # for at most the one batch it arrived during; and the upload indexes its own write locally, so no
    # question re-indexes it on its own thread at the end. Measured: p50 ~70 ms, worst 0.27-0.45 s.
    assert max(latencies) < 1.0, shown
