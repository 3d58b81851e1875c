"""OpenAI-compatible chat: POST /v1/chat/completions (plain and streaming), GET /v1/models."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from api.deps import MetricsDep, PipelineDep, SettingsDep
from api.errors import ApiError, stream_error
from api.metrics import Metrics
from api.routes_ask import answer_payload, answer_pieces
from api.schemas import ChatRequest, ErrorOut
from rag.llm import ChatTurn, Token
from rag.models import Answer
from rag.pipeline import Pipeline

router = APIRouter(prefix="/v1", tags=["openai"])
MODEL_ID = "rag-extractive"
LLM_MODEL_ID = "rag-llm"
_ANSWERER_OF = {MODEL_ID: "extractive", LLM_MODEL_ID: "llm"}


@router.get("/models")
def list_models(settings: SettingsDep) -> dict[str, Any]:
    """`rag-extractive` always; `rag-llm` (answers through RAG_LLM_URL, verified) when an LLM is configured."""
    ids = [MODEL_ID, LLM_MODEL_ID] if settings.llm_url else [MODEL_ID]
    return {"object": "list", "data": [{"id": i, "object": "model", "created": 0, "owned_by": "rag"} for i in ids]}


@router.post("/chat/completions", response_model=None, responses={400: {"model": ErrorOut}})
async def chat_completions(body: ChatRequest, pipeline: PipelineDep, metrics: MetricsDep) -> Any:
    """The last user message is the question; earlier turns resolve follow-ups and reach the LLM as they were.
    `model`: `rag-llm` or `rag-extractive` picks the answerer; any other name uses RAG_ANSWERER."""
    turns = [ChatTurn(m.role, m.text()) for m in body.messages if m.role in ("user", "assistant") and m.text().strip()]
    last_user = max((i for i, t in enumerate(turns) if t.role == "user"), default=None)
    if last_user is None:
        raise ApiError(400, "no_question", "the messages hold no user message with text")
    question, earlier = turns[last_user].text, turns[:last_user]
    history = [t.text for t in earlier if t.role == "user"]
    answerer = _ANSWERER_OF.get(body.model)
    pipeline.check_request(question, None, answerer)
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    if body.stream:
        events = _stream(pipeline, metrics, (question, history, answerer, earlier), completion_id, body.model)
        return StreamingResponse(events, media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
    answer = await run_in_threadpool(lambda: pipeline.ask(question, history=history, answerer=answerer, turns=earlier))
    metrics.record_answer(answer.answered)
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        **_extras(answer),
    }


async def _stream(
    pipeline: Pipeline, metrics: Metrics, request: tuple[str, list[str], str | None, list[ChatTurn]],
    completion_id: str, model: str,
) -> AsyncIterator[str]:  # fmt: skip
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        payload = {
            "id": completion_id, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra,
        }  # fmt: skip
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

    question, history, answerer, earlier = request
    produced = pipeline.ask_stream(question, None, history, answerer, earlier)
    yield chunk({"role": "assistant", "content": ""})
    try:
        async for item in iterate_in_threadpool(produced):
            if isinstance(item, Token):
                yield chunk({"content": item.text})
                continue
            metrics.record_answer(item.answer.answered)
            if item.replaces_tokens:
                # Streamed text cannot be taken back in this protocol: the closing chunk says what replaces it.
                yield chunk({}, "stop", replacement=answer_payload(item.answer), **_extras(item.answer))
            else:
                if item.answer.answerer == "extractive":
                    for piece in answer_pieces(item.answer.answer):
                        yield chunk({"content": piece})
                yield chunk({}, "stop", **_extras(item.answer))
    except Exception as exc:  # the stream is open: the error travels in-band, then the stream ends
        code, message = stream_error(exc)
        yield f"data: {json.dumps({'error': {'code': code, 'message': message}})}\n\n"
    finally:
        produced.close()
    yield "data: [DONE]\n\n"


def _extras(answer: Answer) -> dict[str, Any]:
    """Our additions to OpenAI's shape: citations travel once, with who answered and why."""
    data = answer.to_dict()
    return {"citations": data["citations"], "answered": answer.answered, "answerer": answer.answerer,
            "fallback_reason": answer.fallback_reason}  # fmt: skip
