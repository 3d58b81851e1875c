"""Schemathesis against a real `rag serve` on loopback: the OpenAPI document tells the truth."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import rag_server

pytestmark = pytest.mark.server
# JSON Schema cannot say "UTF-8 text in a .txt/.md/.html file" or "the last user message holds the
# question", so these two may refuse schema-valid input (415, 400); every other check still runs.
SEMANTIC = ("POST /documents", "POST /v1/chat/completions")


def schemathesis(base: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "run", f"{base}/openapi.json", "--checks", "all",
        "--max-examples", "15", "--generation-deterministic", "--request-timeout", "60", "--workers", "1",
        *args,
    ]  # fmt: skip
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"}
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, cwd=tmp, env=env)


def test_schemathesis_finds_nothing(tmp_path: Path) -> None:
    with rag_server(tmp_path) as base:
        strict = schemathesis(base, tmp_path, *(arg for path in SEMANTIC for arg in ("--exclude-name", path)))
        assert strict.returncode == 0, strict.stdout[-6000:]
        semantic = schemathesis(
            base, tmp_path, *(arg for path in SEMANTIC for arg in ("--include-name", path)),
            "--exclude-checks", "positive_data_acceptance",
        )  # fmt: skip
        assert semantic.returncode == 0, semantic.stdout[-6000:]
    log = next(tmp_path.glob("server-*.log")).read_text()
    assert "Traceback" not in log, log[log.index("Traceback") - 500 :][:3000]
