"""A small scripted OpenAI-compatible server for the LLM path's deterministic cases.

Run as `python -m tests.scripted_llm PORT`. `POST /_script {"behaviour", "text"}` sets what the next
completions do: `reply` (the text, streamed in word pieces when asked), `timeout` (sleep 10 s), `error`
(HTTP 500), `cut` (a stream that stops halfway, connection dropped), `garbage` (200, not a completion).
`GET /_last` returns the last request body. `models_down` makes `/v1/models` fail.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

app = FastAPI()
SCRIPT: dict[str, Any] = {"behaviour": "reply", "text": "The corpus does not say.", "models_down": False}
LAST: dict[str, Any] = {}


@app.post("/_script")
async def script(request: Request) -> dict[str, Any]:
    SCRIPT.update(await request.json())
    return SCRIPT


@app.get("/_last")
def last() -> dict[str, Any]:
    return LAST


@app.get("/v1/models")
def models() -> Response:
    if SCRIPT["models_down"]:
        return JSONResponse({"error": {"message": "down"}}, status_code=500)
    return JSONResponse({"object": "list", "data": [{"id": "scripted", "object": "model", "owned_by": "tests"}]})


@app.post("/v1/chat/completions")
async def completions(request: Request) -> Response:
    body = await request.json()
    LAST.clear()
    LAST.update(body)
    behaviour, text = SCRIPT["behaviour"], SCRIPT["text"]
    if behaviour == "timeout":
        await asyncio.sleep(10)
    if behaviour == "error":
        return JSONResponse({"error": {"message": "scripted failure"}}, status_code=500)
    if behaviour == "garbage":
        return PlainTextResponse("<html>not a completion</html>", media_type="application/json")
    if body.get("stream"):
        return StreamingResponse(_chunks(text, cut=behaviour == "cut"), media_type="text/event-stream")
    return JSONResponse({
        "id": "scripted", "object": "chat.completion", "created": int(time.time()), "model": "scripted",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
    })  # fmt: skip


async def _chunks(text: str, cut: bool) -> AsyncIterator[str]:
    pieces = re.findall(r"\S+\s*", text)
    for number, piece in enumerate(pieces):
        if cut and number == len(pieces) // 2:
            raise ConnectionAbortedError("scripted cut")  # uvicorn drops the connection mid-body
        yield _event({"content": piece}, None)
        await asyncio.sleep(0.02)
    yield _event({}, "stop")
    yield "data: [DONE]\n\n"


def _event(delta: dict[str, Any], finish: str | None) -> str:
    payload = {"id": "scripted", "object": "chat.completion.chunk", "created": int(time.time()), "model": "scripted",
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}  # fmt: skip
    return f"data: {json.dumps(payload)}\n\n"


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", timeout_graceful_shutdown=1)
