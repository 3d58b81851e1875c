"""Dependencies as Annotated aliases: the pipeline, the settings, the writer's key check."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from api.errors import ApiError
from api.metrics import Metrics
from rag.config import Settings
from rag.pipeline import Pipeline


def get_pipeline(request: Request) -> Pipeline:
    pipeline = getattr(request.app.state, "pipeline", None)
    if pipeline is None:
        raise ApiError(503, "not_ready", "the service is still starting; retry in a few seconds")
    return pipeline  # type: ignore[no-any-return]


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics  # type: ignore[no-any-return]


def require_writer(request: Request, settings: Annotated[Settings, Depends(get_settings_dep)]) -> None:
    """With RAG_API_KEY set, writing needs `Authorization: Bearer <key>`."""
    if not settings.api_key:
        return
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    # Headers arrive as latin-1; comparing bytes keeps a non-ASCII token a plain mismatch, not a crash.
    sent = token.strip().encode("latin-1", "replace")
    if scheme.lower() != "bearer" or not hmac.compare_digest(sent, settings.api_key.encode()):
        raise ApiError(
            401, "unauthorized", "this endpoint needs the header 'Authorization: Bearer <RAG_API_KEY>'",
            headers={"WWW-Authenticate": "Bearer"},
        )  # fmt: skip


PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
WriterDep = Depends(require_writer)
