"""One error shape, {"error": {"code", "message"}}, and the one place errors map to status codes."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import UNENCODABLE
from rag.errors import (
    DocumentConflictError,
    DocumentNotFoundError,
    DocumentTooLargeError,
    InvalidInputError,
    RagError,
    StoreUnavailableError,
    UnsupportedDocumentError,
)

logger = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


_STATUS = {
    InvalidInputError: 400,
    UnsupportedDocumentError: 415,
    DocumentNotFoundError: 404,
    StoreUnavailableError: 503,
    DocumentTooLargeError: 413,
    DocumentConflictError: 409,
}
# A store outage is brief more often than not: clients may retry after this many seconds.
_RETRY_AFTER = {503: "5"}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def stream_error(exc: Exception) -> tuple[str, str]:
    """(code, message) for an error inside an open stream; only our own failures are logged with a traceback."""
    if isinstance(exc, RagError):
        logger.info("stream ended by %s: %s", exc.code, exc)
        return exc.code, str(exc)
    logger.error("unhandled error inside a stream", exc_info=exc)
    return "internal_error", "something went wrong on our side; the error was logged"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RagError)
    async def _rag_error(request: Request, exc: RagError) -> JSONResponse:
        status = _STATUS.get(type(exc), 400)
        retry = _RETRY_AFTER.get(status)
        return error_response(status, exc.code, str(exc), {"Retry-After": retry} if retry else None)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        status, code, message = validation_error(errors)
        return error_response(status, code, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status_code, "http_error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
        return error_response(exc.status_code, code, str(exc.detail), headers)

    @app.exception_handler(UnicodeError)
    async def _unicode(request: Request, exc: UnicodeError) -> JSONResponse:
        return error_response(400, "invalid_text", "the request holds text that is not valid Unicode")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s", request.url.path)
        return error_response(500, "internal_error", "something went wrong on our side; the error was logged")


def allowed_methods(request: Request) -> str | None:
    """Every documented method at this path (the router names only the first matching route's)."""
    for template, operations in request.app.openapi()["paths"].items():
        pattern = "[^/]+".join(re.escape(part) for part in re.split(r"\{[^}]+\}", template))
        if re.fullmatch(pattern, request.url.path):
            methods = {method.upper() for method in operations}
            if "GET" in methods:
                methods.add("HEAD")  # served for every GET
            return ", ".join(sorted(methods))
    return None


def validation_error(errors: Sequence[Any]) -> tuple[int, str, str]:
    """(status, code, message) for pydantic errors: bad JSON and bad text are 400, the rest 422."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "malformed_json", "the request body is not valid JSON"
    parts = []
    for e in errors:
        if e.get("type") == UNENCODABLE:
            return 400, "invalid_text", f"{_where(e)}: {e.get('msg')}"
    for e in errors[:3]:
        parts.append(f"{_where(e)}: {e.get('msg', 'invalid')}")
    return 422, "invalid_request", "; ".join(parts)


def _where(error: Any) -> str:
    # Union branches ("str", "list[...]") are pydantic's bookkeeping, not fields a person sent.
    path = [str(p) for p in error.get("loc", ()) if p != "body" and not str(p).endswith("]") and p != "str"]
    return ".".join(path) or "body"
