"""One embedded store, one owner: an advisory lock file in the data folder.

Two processes writing one embedded Chroma folder do not see each other's changes (each keeps its own
vector index in memory), so `rag serve` and `rag ingest` take the folder for as long as they run.
The lock is released by the kernel when the process ends, even after `kill -9`.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import IO

from rag.errors import DataFolderInUseError

LOCK_NAME = ".rag-owner.lock"


class DataFolderLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._file: IO[str] | None = None

    def acquire(self, command: str, url: str | None = None) -> None:
        """Take the folder, or raise DataFolderInUseError naming the process that has it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = _owner(handle.read())
            handle.close()
            raise DataFolderInUseError(_in_use_message(self.path.parent, owner)) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "command": command, "url": url}))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing drops the flock
            self._file = None


def _owner(text: str) -> dict[str, object]:
    try:
        owner = json.loads(text)
    except ValueError:
        return {}
    return owner if isinstance(owner, dict) else {}


def _in_use_message(data_dir: Path, owner: dict[str, object]) -> str:
    who = f"`rag {owner.get('command', '?')}` (pid {owner.get('pid', '?')})"
    message = f"the data folder {data_dir.resolve()} is in use by {who}"
    if owner.get("url"):
        return f"{message}; send the files to it with `rag ingest --server {owner['url']} PATHS`"
    return f"{message}; wait for it to finish, or stop it"
