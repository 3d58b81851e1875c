"""The `rag` command as a user runs it: real process, real model, real Chroma."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import HEADLINE


def rag(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RAG_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "rag.cli", *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_ingest_ask_and_reingest(tmp_path: Path, corpus_copy: Path) -> None:
    first = rag(tmp_path, "ingest", str(corpus_copy), "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["added"] == 2
    asked = rag(tmp_path, "ask", HEADLINE, "--json")
    body = json.loads(asked.stdout)
    assert set(body) == {"question", "answer", "answered", "citations", "timings_ms", "answerer", "fallback_reason"}
    assert (body["answerer"], body["fallback_reason"]) == ("extractive", None)
    assert body["answered"] is True
    assert "nine" in body["answer"].lower()
    assert "ninth visit" in body["citations"][0]["quote"]
    abstained = json.loads(rag(tmp_path, "ask", "What is the population of Cuba?", "--json").stdout)
    assert abstained["answered"] is False
    second = rag(tmp_path, "ingest", str(corpus_copy), "--json")
    assert json.loads(second.stdout)["chunks_written"] == 0
    listing = rag(tmp_path, "documents")
    assert "Lavrov" in listing.stdout
    text = rag(tmp_path, "ask", HEADLINE)
    assert "Nine times" in text.stdout
    assert "chars " in text.stdout


def test_errors_are_one_line_on_stderr(tmp_path: Path, corpus_copy: Path) -> None:
    for args, needle in [
        (("ask", "   "), "question is empty"),
        (("ingest", str(tmp_path / "missing")), "no such file"),
        (("delete", "nope"), "no document"),
        (("ask", HEADLINE, "--answerer", "llm"), "needs an LLM server: set RAG_LLM_URL"),
        (("ask", HEADLINE, "--answerer", "oracle"), "answerer must be one of extractive, llm"),
    ]:
        result = rag(tmp_path, *args)
        assert result.returncode != 0
        assert needle in result.stderr
        assert "Traceback" not in result.stderr
    (corpus_copy / "x.txt").write_bytes(b"\x00\x01")
    result = rag(tmp_path, "ingest", str(corpus_copy))
    assert result.returncode != 0
    assert "binary" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(rag(tmp_path, "documents", "--json").stdout) == []
