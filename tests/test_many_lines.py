"""A file of many short lines (a log, an inventory) is ingested within issue 12's bound (real server)."""

from __future__ import annotations

import random
import re
import time

import httpx
import pytest

from tests.conftest import CORPUS

pytestmark = pytest.mark.server


def many_lines(size: int = 990_000, seed: int = 5) -> bytes:
    """`size` bytes of short distinct lines: a number, five or six corpus words, another number."""
    text = " ".join(path.read_text() for path in sorted(CORPUS.glob("*.txt")))
    words = sorted({w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)})
    shuffler = random.Random(seed)
    lines: list[str] = []
    length = 0
    while length < size:
        words_of_line = " ".join(shuffler.choices(words, k=shuffler.randint(5, 6)))
        lines.append(f"{len(lines):05d} {words_of_line} {shuffler.randrange(10_000)}")
        length += len(lines[-1]) + 1
    return "\n".join(lines).encode()[:size]


def upload(server: str, name: str, body: bytes) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.post(f"{server}/documents", files={"file": (name, body, "text/plain")}, timeout=600)
    return response, time.monotonic() - started


def test_a_file_of_17_800_short_lines_is_ingested_within_a_minute(server: str) -> None:
    body = many_lines()
    assert 17_000 < body.count(b"\n") + 1 < 19_000
    response, seconds = upload(server, "many-lines.txt", body)
    assert response.status_code == 201, response.text
    chunks = response.json()["chunks"]
    assert 1_000 < chunks <= 2_000  # under RAG_MAX_DOCUMENT_CHUNKS, so every line was kept and embedded
    last_line = body.decode().rsplit("\n", 1)[-1]
    assert last_line in httpx.get(f"{server}/documents/many-lines", timeout=30).json()["text"]
    # Issue 12's acceptance bound. Cleaning and chunking are linear (~3 s); embedding the ~1,600 passages
    # is ~90% of the rest. The whole upload costs ~50 CPU-seconds (with OpenMP threads that sleep, not
    # spin, between parallel regions), so it fits on two cores; measured 50-78 s while other sessions'
    # work shared the same two cores (load average 4-6), 108-118 s when OpenMP spun.
    assert seconds < 60, f"{seconds:.1f} s for {chunks} passages"


def test_a_file_past_the_passage_cap_is_refused_before_anything_is_embedded(server: str) -> None:
    # Dotted numbers split into many tokens each: under 1 MB, but over 2,000 passages.
    shuffler = random.Random(3)
    lines = [f"10.{i % 256}.{i // 256 % 256}.{shuffler.randrange(256)} v1.{i % 10} ok" for i in range(30_000)]
    body = "\n".join(lines).encode()[:990_000]
    response, seconds = upload(server, "addresses.txt", body)
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "too_large"
    assert "split it up" in response.json()["error"]["message"]
    assert seconds < 60, f"refused only after {seconds:.1f} s"
    assert httpx.get(f"{server}/documents/addresses", timeout=30).status_code == 404
