"""Health, readiness, metrics, and the chat page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import MetricsDep

router = APIRouter(tags=["operations"])
STATIC_DIR = Path(__file__).parent / "static"


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Model loaded and store reachable; 503 otherwise. The LLM's state is reported, never fatal: without it the
    extractive answerer speaks."""
    pipeline = getattr(request.app.state, "pipeline", None)
    if pipeline is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    if not await run_in_threadpool(pipeline.ready):
        return JSONResponse({"status": "store unreachable"}, status_code=503)
    return JSONResponse({"status": "ready", **await run_in_threadpool(pipeline.llm_state)})


@router.get("/metrics")
async def metrics(request: Request, collector: MetricsDep) -> Response:
    pipeline = getattr(request.app.state, "pipeline", None)
    documents, chunks = await run_in_threadpool(pipeline.counts) if pipeline else (0, 0)
    return Response(collector.render(documents, chunks), media_type="text/plain; version=0.0.4")


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html")
