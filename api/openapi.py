"""The OpenAPI document, made to tell the truth: real bodies, media types, limits and error shapes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.limits import SMALL_BODY_BYTES
from api.schemas import DocumentIn
from rag.config import Settings

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
_EVENT = {
    "type": "object",
    "required": ["data"],
    "properties": {"event": {"type": "string"}, "data": {"type": "string", "description": "JSON, or [DONE]"}},
}
_SSE = {"text/event-stream": {"schema": _EVENT}}
_NO_STORE = {"/healthz", "/readyz", "/metrics", "/v1/models"}
_DESCRIPTIONS = {
    "400": "Bad input (malformed JSON, text that is not valid Unicode, an empty question, top_k out of range...)",
    "409": "A different document has this id; send replace=true to replace it",
    "413": "The body is over its limit (counted as it arrives, chunked bodies too)",
    "422": "The body does not match the schema",
    "503": "Starting, or the store does not answer (store_unavailable); retry after Retry-After seconds",
}


def describe(app: FastAPI, settings: Settings) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["DocumentIn"] = DocumentIn.model_json_schema(ref_template="#/components/schemas/{model}")
    _set_limits(components, settings)
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            _fix_responses(path, operation)
    _stream_media_types(schema["paths"])
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema


def _set_limits(components: dict[str, Any], settings: Settings) -> None:
    components["AskRequest"]["properties"]["question"]["maxLength"] = settings.max_question_chars
    if not settings.llm_url:  # the spec names only the answerers this service can run
        answerer = components["AskRequest"]["properties"]["answerer"]
        answerer["anyOf"][0]["enum"] = ["extractive"]
    text = components["DocumentIn"]["properties"]["text"]
    text["description"] += f" The whole body may be at most {settings.max_upload_bytes} bytes."


def _fix_responses(path: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    codes = set(responses)
    if "requestBody" in operation:
        codes |= {"400", "413", "422"}
        limit = "RAG_MAX_UPLOAD_BYTES plus form framing" if path == "/documents" else f"{SMALL_BODY_BYTES} bytes"
        operation["description"] = (operation.get("description") or "") + f"\n\nBody limit: {limit}."
    if path not in _NO_STORE:
        codes.add("503")
    for code in sorted(codes):
        if code.startswith(("4", "5")) and not (path == "/readyz" and code == "503"):
            entry = responses.setdefault(code, {})
            entry["content"] = _ERROR
            entry["description"] = _DESCRIPTIONS.get(code, entry.get("description") or "Error")


def _stream_media_types(paths: dict[str, Any]) -> None:
    stream = paths["/ask/stream"]["post"]["responses"]["200"]
    stream["content"] = _SSE
    stream["description"] = "Server-Sent Events: `answer` pieces, one `citations`, then `done`"
    chat = paths["/v1/chat/completions"]["post"]["responses"]["200"]
    chat["content"] = {"application/json": {"schema": {"type": "object"}}, **_SSE}
    chat["description"] = "A chat.completion object, or with stream=true chat.completion.chunk events"
