"""Health, readiness, metrics, and the chat page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import MetricsDep
from rag.errors import StoreUnavailableError

router = APIRouter(tags=["operations"])
STATIC_DIR = Path(__file__).parent / "static"
_STATUS = {"type": "object", "properties": {"status": {"type": "string"}, "message": {"type": "string"}}}
_STATUS_JSON = {"application/json": {"schema": _STATUS}}
_PROMETHEUS = {"text/plain": {"schema": {"type": "string"}}}


# Health, readiness and the page are async so they never wait for a worker thread held by a slow store.
@router.get("/healthz", responses={200: {"content": _STATUS_JSON}})
async def healthz() -> dict[str, str]:
    """The process is up (answers while the model loads and while the store is down)."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_class=JSONResponse,
    responses={
        200: {"description": "Model loaded and store reachable", "content": _STATUS_JSON},
        503: {"description": "`starting`, `failed` or `store unreachable`", "content": _STATUS_JSON},
    },
)  # fmt: skip
async def readyz(request: Request) -> JSONResponse:
    """Model loaded and store reachable (within RAG_STORE_TIMEOUT_S); 503 otherwise. The LLM's state is reported,
    never fatal: without it the extractive answerer speaks."""
    pipeline = getattr(request.app.state, "pipeline", None)
    error = getattr(request.app.state, "load_error", None)
    if error:
        return JSONResponse({"status": "failed", "message": error}, status_code=503)
    if pipeline is None:
        return JSONResponse({"status": "starting"}, status_code=503, headers={"Retry-After": "2"})
    if not await run_in_threadpool(pipeline.ready):
        return JSONResponse({"status": "store unreachable"}, status_code=503, headers={"Retry-After": "5"})
    return JSONResponse({"status": "ready", **await run_in_threadpool(pipeline.llm_state)})


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"description": "Prometheus text format", "content": _PROMETHEUS}},
)  # fmt: skip
async def metrics(request: Request, collector: MetricsDep) -> Response:
    """Prometheus metrics; `rag_store_up` is 0 while the store does not answer (counts keep their last value)."""
    pipeline = getattr(request.app.state, "pipeline", None)
    counts, up = None, False
    if pipeline is not None:
        up = await run_in_threadpool(pipeline.ready)  # one heartbeat, bounded by RAG_STORE_TIMEOUT_S
        try:
            counts = await run_in_threadpool(pipeline.counts)
        except StoreUnavailableError:
            counts = None
    body = collector.render(counts, store_up=up and counts is not None)
    return Response(body, media_type="text/plain; version=0.0.4")


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html")
