"""GET/POST/DELETE /documents: list, read, add or replace, and remove articles."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import PipelineDep, SettingsDep, WriterDep
from api.errors import ApiError
from api.schemas import DocumentDetail, DocumentIn, DocumentOut, ErrorOut, WriteOut
from rag.models import DocumentRecord

router = APIRouter(prefix="/documents", tags=["documents"])


def _summary(record: DocumentRecord) -> dict[str, Any]:
    return {
        "doc_id": record.doc_id,
        "title": record.title,
        "date": record.date,
        "source": record.source,
        "chunks": record.chunks,
    }


@router.get("", response_model=list[DocumentOut])
def list_documents(
    pipeline: PipelineDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Documents per page.")] = 100,
    offset: Annotated[int, Query(ge=0, description="Documents to skip.")] = 0,
) -> list[dict[str, Any]]:
    """One page of the stored documents (without their text), in the store's order."""
    return [_summary(r) for r in pipeline.documents(limit, offset)]


@router.get("/{doc_id}", response_model=DocumentDetail, responses={404: {"model": ErrorOut}})
def get_document(doc_id: str, pipeline: PipelineDep) -> dict[str, Any]:
    record = pipeline.document(doc_id)
    return {**_summary(record), "url": record.url, "text": record.text}


@router.post(
    "", status_code=201, response_model=WriteOut, dependencies=[WriterDep],
    responses={400: {"model": ErrorOut}, 401: {"model": ErrorOut}, 413: {"model": ErrorOut}, 415: {"model": ErrorOut}},
)  # fmt: skip
async def add_document(request: Request, pipeline: PipelineDep, settings: SettingsDep) -> dict[str, Any]:
    """Add or replace an article: multipart `file` (.txt, .md, .html) or JSON {title, text, date?, source?, url?}."""
    limit = settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64_000:
        raise ApiError(413, "too_large", f"the upload is {declared} bytes; the limit is {limit}")
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        result = await _add_upload(request, pipeline, limit)
    elif content_type.startswith("application/json"):
        result = await _add_json(request, pipeline, limit)
    else:
        raise ApiError(415, "unsupported_media_type", "send a multipart form with a `file` field, or JSON")
    return {"doc_id": result.doc_id, "status": result.status, "chunks": result.chunks}


async def _add_upload(request: Request, pipeline: PipelineDep, limit: int) -> Any:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ApiError(400, "missing_file", "the form needs a `file` field holding the article")
    name = upload.filename
    if name != PurePosixPath(name).name or name != PureWindowsPath(name).name or name.startswith("."):
        raise ApiError(400, "bad_filename", f"the file name {name!r} must be a plain name, without folders")
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "too_large", f"the file is larger than the {limit}-byte limit")
    return await run_in_threadpool(pipeline.add_document, data, name)


async def _add_json(request: Request, pipeline: PipelineDep, limit: int) -> Any:
    raw = await request.body()
    if len(raw) > limit:
        raise ApiError(413, "too_large", f"the body is larger than the {limit}-byte limit")
    try:
        body = DocumentIn.model_validate_json(raw)
    except ValidationError as exc:
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            raise ApiError(400, "malformed_json", "the request body is not valid JSON") from None
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ApiError(422, "invalid_request", f"{where}: {first.get('msg')}") from None
    return await run_in_threadpool(
        lambda: pipeline.add_document(
            body.text.encode(), None, title=body.title, date=body.date, source=body.source, url=body.url
        )
    )


@router.delete("/{doc_id}", status_code=204, dependencies=[WriterDep], responses={404: {"model": ErrorOut}})
def delete_document(doc_id: str, pipeline: PipelineDep) -> Response:
    pipeline.delete(doc_id)
    return Response(status_code=204)
