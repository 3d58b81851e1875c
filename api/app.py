"""create_app(): the FastAPI application over one shared Pipeline."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from api import routes_ask, routes_documents, routes_openai, routes_ops
from api.errors import install_error_handlers
from api.limits import MULTIPART_OVERHEAD, SMALL_BODY_BYTES, BodyLimitMiddleware
from api.metrics import Metrics
from api.openapi import describe
from api.readers import ReadersFirstMiddleware
from rag.config import Settings, get_settings
from rag.errors import StoreUnavailableError
from rag.pipeline import Pipeline

logger = logging.getLogger(__name__)
STORE_RETRY_S = 2.0


def create_app(
    settings: Settings | None = None, pipeline: Pipeline | None = None, ingest_corpus: bool = False,
    announce: str | None = None,
) -> FastAPI:  # fmt: skip
    """The app; `announce` is the URL logged as "ready on ..." once the model and store are loaded."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The port opens now; the model loads meanwhile (/healthz 200, /readyz 503 "starting").
        task = asyncio.create_task(_load(app, settings, pipeline, ingest_corpus, announce))
        yield
        task.cancel()

    app = FastAPI(
        title="rag-news",
        description="Answers from news articles, each claim backed by an exact quote with its offsets.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.state.pipeline = None
    app.state.load_error = None
    install_error_handlers(app)
    upload_limit = settings.max_upload_bytes + MULTIPART_OVERHEAD
    # Innermost, so the route reads the body through it directly (the metrics middleware's task group
    # would otherwise wrap its 413 in an exception group).
    app.add_middleware(
        BodyLimitMiddleware, limit_for=lambda path: upload_limit if path == "/documents" else SMALL_BODY_BYTES
    )
    app.middleware("http")(app.state.metrics.middleware)
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origin_list, allow_methods=["*"], allow_headers=["*"]
        )
    app.add_middleware(ReadersFirstMiddleware, pipeline=lambda: app.state.pipeline)
    for module in (routes_ask, routes_documents, routes_openai, routes_ops):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=routes_ops.STATIC_DIR), name="static")
    app.openapi = lambda: describe(app, settings)  # type: ignore[method-assign]
    return app


async def _load(
    app: FastAPI, settings: Settings, pipeline: Pipeline | None, ingest_corpus: bool, announce: str | None
) -> None:
    started = time.perf_counter()
    try:
        loaded = pipeline if pipeline is not None else await _open_pipeline(settings)
        if ingest_corpus and settings.corpus_dir.exists():
            report = await run_in_threadpool(loaded.ingest, [settings.corpus_dir])
            summary = ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in report.to_dict().items())
            logger.info("corpus %s ingested: %s", settings.corpus_dir, summary)
        await run_in_threadpool(loaded.retrieve, "warm-up", 1)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        # The process stays up so /readyz can say why; the log has the details.
        app.state.load_error = str(exc) or type(exc).__name__
        logger.exception("start-up failed: %s", app.state.load_error)
        return
    app.state.pipeline = loaded
    where = f" on {announce}" if announce else ""
    logger.info("ready%s (model and store loaded in %.1f s)", where, time.perf_counter() - started)
    # After ready, not before: what only the first write or question needs loads while requests are served.
    warming = time.perf_counter()
    try:
        await run_in_threadpool(loaded.warm_up)
    except asyncio.CancelledError:
        raise
    except Exception:
        logger.exception("warming up failed; the first write or question loads what it needs")
        return
    logger.info("warmed up in %.1f s (the answerer's language models, the chunker, the writers' model)",
                time.perf_counter() - warming)  # fmt: skip


async def _open_pipeline(settings: Settings) -> Pipeline:
    """The Pipeline, waiting for a Chroma server that is not up yet."""
    while True:
        try:
            return await run_in_threadpool(Pipeline, settings)
        except StoreUnavailableError as exc:
            logger.warning("%s; retrying in %.0f s", exc, STORE_RETRY_S)
            await asyncio.sleep(STORE_RETRY_S)
