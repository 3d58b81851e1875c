"""`rag ingest --server URL`: send article files to a running service instead of opening its store."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import httpx

from rag.documents import doc_id_for_path, iter_article_files
from rag.errors import InvalidInputError, RagError, StoreUnavailableError
from rag.models import IngestReport

# One article is chunked and embedded while the request waits.
UPLOAD_TIMEOUT_S = 300.0
_STATUS_FIELD = {"added": "added", "replaced": "updated", "unchanged": "unchanged"}


def ingest_via_server(
    server: str, roots: Iterable[Path], api_key: str | None, progress: Callable[[str], None] | None = None
) -> IngestReport:
    """POST every file as its own document (same ids as a local ingest), replacing changed ones."""
    files = [
        (path, doc_id_for_path(path, root if root.is_dir() else root.parent))
        for root in roots
        for path in iter_article_files(root)
    ]
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    report = IngestReport()
    with httpx.Client(base_url=server.rstrip("/"), headers=headers, timeout=UPLOAD_TIMEOUT_S) as client:
        for path, doc_id in files:
            status, chunks = _upload(client, path, doc_id)
            field = _STATUS_FIELD[status]
            setattr(report, field, getattr(report, field) + 1)
            report.chunks_written += 0 if status == "unchanged" else chunks
            if progress:
                progress(doc_id)
    return report


def _upload(client: httpx.Client, path: Path, doc_id: str) -> tuple[str, int]:
    try:
        with path.open("rb") as handle:
            response = client.post(
                "/documents", params={"replace": "true"}, data={"doc_id": doc_id}, files={"file": (path.name, handle)}
            )
    except httpx.HTTPError as exc:
        raise StoreUnavailableError(f"cannot reach the service at {client.base_url}: {exc}") from None
    if response.status_code != 201:
        raise RagError(f"{path}: the service answered {response.status_code}: {_message(response)}")
    body = response.json()
    return str(body["status"]), int(body["chunks"])


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return response.text[:200]


def check_server_url(server: str) -> None:
    if not server.startswith(("http://", "https://")):
        raise InvalidInputError(f"--server {server!r} is not a URL like http://127.0.0.1:8000")
