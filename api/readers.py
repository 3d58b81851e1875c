"""Questions before writes: a request that does not write counts as a reader of the store from its arrival."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from rag.pipeline import Pipeline

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ReadersFirstMiddleware:
    """Outermost, so a question is counted at its first step: the store's writers then wait between
    batches until it is answered, instead of taking the GIL from it at every later step (one write each)."""

    def __init__(self, app: ASGIApp, pipeline: Callable[[], Pipeline | None]) -> None:
        self.app = app
        self.pipeline = pipeline

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        pipeline = self.pipeline()
        if scope["type"] != "http" or pipeline is None or _writes(scope):
            await self.app(scope, receive, send)
            return
        with pipeline.store.reading():
            await self.app(scope, receive, send)


def _writes(scope: Scope) -> bool:
    path = str(scope["path"])
    return scope["method"] in _WRITES and (path == "/documents" or path.startswith("/documents/"))
