"""The `rag` command as a user runs it: real process, real model, real Chroma."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import HEADLINE, free_port, rag_server, wait_until


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
    abstained = json.loads(rag(tmp_path, "ask", "What is the population of Norway?", "--json").stdout)
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


def test_ask_outside_a_project_names_the_empty_data_folder(tmp_path: Path) -> None:
    result = rag(tmp_path, "ask", HEADLINE)
    assert result.returncode != 0
    assert str((tmp_path / "data").resolve()) in result.stderr
    assert "no articles are stored" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()


def test_serve_owns_its_data_folder_and_ingest_goes_through_it(tmp_path: Path, corpus_copy: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "ferry.txt").write_text("Ferry news\n\nThe Havana ferry now runs 6 boats a day, officials said.\n")
    with rag_server(tmp_path) as base:
        refused = rag(tmp_path, "ingest", str(extra))
        assert refused.returncode != 0
        assert "in use by `rag serve`" in refused.stderr
        assert f"rag ingest --server {base}" in refused.stderr
        assert "Traceback" not in refused.stderr
        sent = rag(tmp_path, "ingest", str(extra), "--server", base, "--json")
        assert sent.returncode == 0, sent.stderr
        assert json.loads(sent.stdout)["added"] == 1
        again = rag(tmp_path, "ingest", str(extra), "--server", base, "--json")
        assert json.loads(again.stdout)["unchanged"] == 1
        answer = httpx.post(f"{base}/ask", json={"question": "How many boats a day does the ferry run?"}, timeout=60)
        assert answer.json()["answered"], answer.text
        assert answer.json()["citations"][0]["doc_id"] == "ferry"
    log = next(tmp_path.glob("server-*.log")).read_text()
    assert "ingested: added 2" in log
    assert f"ready on {base}" in log
    after = rag(tmp_path, "ingest", str(extra), "--json")  # the server is gone: the folder is free
    assert after.returncode == 0, after.stderr


def test_serve_refuses_a_public_host_without_a_key(tmp_path: Path) -> None:
    result = rag(tmp_path, "serve", "--host", "0.0.0.0", "--port", "1")
    assert result.returncode != 0
    assert "RAG_API_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_port_opens_before_the_model_loads(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "RAG_DATA_DIR": str(tmp_path / "data"), "RAG_CORPUS_DIR": str(tmp_path / "none")}
    process = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(f"{base}/healthz", process)
        starting = httpx.get(f"{base}/readyz")  # the model takes seconds to load after the port opens
        assert starting.status_code == 503
        assert starting.json() == {"status": "starting"}
        assert httpx.post(f"{base}/ask", json={"question": HEADLINE}).json()["error"]["code"] == "not_ready"
        wait_until(f"{base}/readyz", process)
    finally:
        process.terminate()
        process.wait(timeout=20)
