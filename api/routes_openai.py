"""OpenAI-compatible chat: POST /v1/chat/completions (plain and streaming), GET /v1/models."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.deps import MetricsDep, PipelineDep
from api.errors import ApiError
from api.routes_ask import answer_pieces
from api.schemas import ChatRequest, ErrorOut
from rag.models import Answer

router = APIRouter(prefix="/v1", tags=["openai"])
MODEL_ID = "rag-extractive"


@router.get("/models")
def list_models() -> dict[str, Any]:
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "rag"}]}


@router.post("/chat/completions", response_model=None, responses={400: {"model": ErrorOut}})
async def chat_completions(body: ChatRequest, pipeline: PipelineDep, metrics: MetricsDep) -> Any:
    """The last user message is the question; earlier user turns resolve follow-ups."""
    questions = [m.text() for m in body.messages if m.role == "user" and m.text().strip()]
    if not questions:
        raise ApiError(400, "no_question", "the messages hold no user message with text")
    question = pipeline.check_question(questions[-1])
    answer = await run_in_threadpool(lambda: pipeline.ask(question, history=questions[:-1]))
    metrics.record_answer(answer.answered)
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    if body.stream:
        return StreamingResponse(_stream(answer, completion_id, body.model), media_type="text/event-stream")
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "citations": _citations(answer),
        "answered": answer.answered,
    }


async def _stream(answer: Answer, completion_id: str, model: str) -> AsyncIterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        payload = {
            "id": completion_id, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra,
        }  # fmt: skip
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for piece in answer_pieces(answer.answer):
        yield chunk({"content": piece})
    # Citations travel once, on the closing chunk.
    yield chunk({}, "stop", citations=_citations(answer), answered=answer.answered)
    yield "data: [DONE]\n\n"


def _citations(answer: Answer) -> list[dict[str, Any]]:
    return [dict(c) for c in answer.to_dict()["citations"]]
