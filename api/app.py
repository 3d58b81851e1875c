"""create_app(): the FastAPI application over one shared Pipeline."""

from __future__ import annotations

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
from api.metrics import Metrics
from rag.config import Settings, get_settings
from rag.pipeline import Pipeline

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None, pipeline: Pipeline | None = None, ingest_corpus: bool = False
) -> FastAPI:
    settings = settings or get_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        started = time.perf_counter()
        # The model and the store load once here, never per request.
        loaded: Pipeline = pipeline if pipeline is not None else await run_in_threadpool(Pipeline, settings)
        if ingest_corpus and settings.corpus_dir.exists():
            report = await run_in_threadpool(loaded.ingest, [settings.corpus_dir])
            logger.info("corpus ingested: %s", report.to_dict())
        await run_in_threadpool(loaded.retrieve, "warm-up", 1)
        app.state.pipeline = loaded
        logger.info("ready in %.1f s", time.perf_counter() - started)
        yield

    app = FastAPI(
        title="rag-news",
        description="Answers from news articles, each claim backed by an exact quote with its offsets.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.pipeline = None
    install_error_handlers(app)
    app.middleware("http")(metrics.middleware)
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origin_list, allow_methods=["*"], allow_headers=["*"]
        )
    for module in (routes_ask, routes_documents, routes_openai, routes_ops):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=routes_ops.STATIC_DIR), name="static")
    return app
