"""POST /ask and POST /ask/stream (Server-Sent Events)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from starlette.concurrency import iterate_in_threadpool

from api.deps import MetricsDep, PipelineDep
from api.errors import stream_error
from api.metrics import Metrics
from api.schemas import AnswerOut, AskRequest, ErrorOut
from rag.llm import Final, Token
from rag.models import Answer
from rag.pipeline import Pipeline

logger = logging.getLogger(__name__)
router = APIRouter(tags=["ask"])
_ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorOut}, 422: {"model": ErrorOut}}
_SSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}, "description": "SSE events"}
}


@router.post("/ask", response_model=AnswerOut, responses=_ERRORS)
def ask(body: AskRequest, pipeline: PipelineDep, metrics: MetricsDep) -> dict[str, Any]:
    """Answer a question with quotes; `answered: false` when the articles do not say."""
    answer = pipeline.ask(body.question, top_k=body.top_k, answerer=body.answerer)
    metrics.record_answer(answer.answered)
    return answer.to_dict()


@router.post("/ask/stream", response_class=StreamingResponse, responses={**_ERRORS, **_SSE})
async def ask_stream(body: AskRequest, pipeline: PipelineDep, metrics: MetricsDep) -> StreamingResponse:
    """SSE: `answer` events (text pieces, the LLM's tokens as they arrive), then `citations` once the answer is
    verified, or `replace` carrying the extractive answer when the LLM's is not shown; then `done`. A failure
    after the stream opened is an `error` event `{code, message}`, and the stream ends."""
    pipeline.check_request(body.question, body.top_k, body.answerer)  # bad input is a 4xx before the stream opens
    events = answer_events(pipeline, metrics, body)
    return StreamingResponse(events, media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


async def answer_events(pipeline: Pipeline, metrics: Metrics, body: AskRequest) -> AsyncIterator[str]:
    produced = pipeline.ask_stream(body.question, body.top_k, answerer=body.answerer)
    try:
        async for item in iterate_in_threadpool(produced):
            if isinstance(item, Token):
                yield sse("answer", {"text": item.text})
                continue
            metrics.record_answer(item.answer.answered)
            for event, data in closing_events(item):
                yield sse(event, data)
    except Exception as exc:  # the stream is open: the error can only travel as an event
        code, message = stream_error(exc)
        yield sse("error", {"code": code, "message": message})
    finally:
        produced.close()  # a client that left stops the LLM's stream too


def closing_events(final: Final) -> Iterator[tuple[str, dict[str, Any]]]:
    answer = final.answer
    if final.replaces_tokens:
        yield "replace", answer_payload(answer)
    else:
        if answer.answerer == "extractive":  # the LLM streamed its own words; these are the extractive's
            for piece in answer_pieces(answer.answer):
                yield "answer", {"text": piece}
        yield "citations", answer_payload(answer)
    yield "done", {"answered": answer.answered, "answerer": answer.answerer, "timings_ms": answer.timings_ms}


def answer_payload(answer: Answer) -> dict[str, Any]:
    data = answer.to_dict()
    keys = ("answer", "answered", "answerer", "fallback_reason", "citations")
    return {key: data[key] for key in keys}


def answer_pieces(text: str) -> Iterator[str]:
    """Word-sized pieces, so clients render the answer as it arrives."""
    yield from re.findall(r"\S+\s*", text)


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
