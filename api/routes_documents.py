"""GET/POST/DELETE /documents: list, read, add or replace, and remove articles."""

from __future__ import annotations

import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import PipelineDep, SettingsDep, WriterDep
from api.errors import ApiError, validation_error
from api.schemas import DOC_ID_PATTERN, DocumentDetail, DocumentIn, DocumentOut, ErrorOut, WriteOut
from rag.ingest import WriteResult
from rag.models import DocumentRecord

router = APIRouter(prefix="/documents", tags=["documents"])
_ERR = {"model": ErrorOut}
_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": ".txt, .md or .html"},
                    "doc_id": {"type": "string", "pattern": DOC_ID_PATTERN, "description": "default: the file name"},
                },
            }
        },
        "application/json": {"schema": {"$ref": "#/components/schemas/DocumentIn"}},
    },
}
ReplaceQuery = Annotated[
    bool, Query(description="Replace the document when its id exists; without it an existing id is a 409.")
]


def _summary(record: DocumentRecord) -> dict[str, Any]:
    return {
        "doc_id": record.doc_id,
        "title": record.title,
        "date": record.date,
        "source": record.source,
        "chunks": record.chunks,
    }


@router.get("", response_model=list[DocumentOut], responses={503: _ERR})
def list_documents(
    pipeline: PipelineDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Documents per page.")] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="Documents to skip.")] = 0,
) -> list[dict[str, Any]]:
    """One page of the stored documents (without their text), in the store's order."""
    return [_summary(r) for r in pipeline.documents(limit, offset)]


@router.get("/{doc_id}", response_model=DocumentDetail, responses={404: _ERR, 503: _ERR})
def get_document(doc_id: str, pipeline: PipelineDep) -> dict[str, Any]:
    record = pipeline.document(doc_id)
    return {**_summary(record), "url": record.url, "text": record.text}


@router.post(
    "", status_code=201, response_model=WriteOut, dependencies=[WriterDep],
    responses=dict.fromkeys((400, 401, 409, 413, 415, 422, 503), _ERR),
    openapi_extra={"requestBody": _UPLOAD_BODY},
)  # fmt: skip
async def add_document(
    request: Request, pipeline: PipelineDep, settings: SettingsDep, replace: ReplaceQuery = False
) -> dict[str, Any]:
    """Add an article: multipart `file` (.txt, .md, .html; the id is the file name) or JSON.

    The file or JSON body may be at most RAG_MAX_UPLOAD_BYTES (default 1,000,000) bytes.
    """
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        result = await _add_upload(request, pipeline, settings.max_upload_bytes, replace)
    elif content_type.startswith("application/json"):
        result = await _add_json(request, pipeline, replace)
    else:
        raise ApiError(415, "unsupported_media_type", "send a multipart form with a `file` field, or JSON")
    status = "replaced" if result.status == "updated" else result.status
    return {"doc_id": result.doc_id, "status": status, "chunks": result.chunks}


async def _add_upload(request: Request, pipeline: PipelineDep, limit: int, replace: bool) -> WriteResult:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ApiError(400, "missing_file", "the form needs a `file` field holding the article")
    name = upload.filename
    if not _is_text(name):
        raise ApiError(400, "bad_filename", "the file name is not valid Unicode text")
    if name != PurePosixPath(name).name or name != PureWindowsPath(name).name or name.startswith("."):
        raise ApiError(400, "bad_filename", f"the file name {name!r} must be a plain name, without folders")
    doc_id = form.get("doc_id")
    if doc_id is not None and not (isinstance(doc_id, str) and re.fullmatch(DOC_ID_PATTERN, doc_id)):
        raise ApiError(400, "bad_doc_id", "doc_id must be 1-100 lower-case letters, digits, '-' or '_'")
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "too_large", f"the file is larger than the {limit}-byte limit")
    return await run_in_threadpool(lambda: pipeline.add_document(data, name, doc_id=doc_id, replace=replace))


async def _add_json(request: Request, pipeline: PipelineDep, replace: bool) -> WriteResult:
    raw = await request.body()  # the body-limit middleware has counted it while it arrived
    try:
        body = DocumentIn.model_validate_json(raw)
    except ValidationError as exc:
        status, code, message = validation_error(exc.errors())
        raise ApiError(status, code, message) from None
    return await run_in_threadpool(
        lambda: pipeline.add_document(
            body.text.encode(), None, title=body.title, date=body.date, source=body.source, url=body.url,
            doc_id=body.doc_id, replace=replace,
        )
    )  # fmt: skip


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@router.delete("/{doc_id}", status_code=204, dependencies=[WriterDep], responses={401: _ERR, 404: _ERR, 503: _ERR})
def delete_document(doc_id: str, pipeline: PipelineDep) -> Response:
    pipeline.delete(doc_id)
    return Response(status_code=204)
