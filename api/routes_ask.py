"""POST /ask and POST /ask/stream (Server-Sent Events)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.deps import MetricsDep, PipelineDep
from api.schemas import AnswerOut, AskRequest, ErrorOut

router = APIRouter(tags=["ask"])
_ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorOut}, 422: {"model": ErrorOut}}


@router.post("/ask", response_model=AnswerOut, responses=_ERRORS)
def ask(body: AskRequest, pipeline: PipelineDep, metrics: MetricsDep) -> dict[str, Any]:
    """Answer a question with quotes; `answered: false` when the articles do not say."""
    answer = pipeline.ask(body.question, top_k=body.top_k)
    metrics.record_answer(answer.answered)
    return answer.to_dict()


@router.post("/ask/stream", responses=_ERRORS)
async def ask_stream(body: AskRequest, pipeline: PipelineDep, metrics: MetricsDep) -> StreamingResponse:
    """The same answer as SSE: `answer` events (text pieces), one `citations` event, then `done`."""
    pipeline.check_question(body.question)  # a bad question is a 4xx before the stream starts

    async def events() -> AsyncIterator[str]:
        answer = await run_in_threadpool(pipeline.ask, body.question, body.top_k)
        metrics.record_answer(answer.answered)
        for piece in answer_pieces(answer.answer):
            yield sse("answer", {"text": piece})
        yield sse("citations", {"answered": answer.answered, "citations": answer.to_dict()["citations"]})
        yield sse("done", {"answered": answer.answered, "timings_ms": answer.timings_ms})

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


def answer_pieces(text: str) -> Iterator[str]:
    """Word-sized pieces, so clients render the answer as it arrives."""
    yield from re.findall(r"\S+\s*", text)


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
