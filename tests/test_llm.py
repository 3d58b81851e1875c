"""The LLM path against a scripted OpenAI-compatible server (real uvicorn, loopback) and a real `rag serve`."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import HEADLINE, ROOT, free_port, rag_server, stop, wait_until

pytestmark = pytest.mark.server
FABRICATED = "Lavrov has visited Cuba 14 times [1]."


@pytest.fixture(scope="module")
def scripted_llm() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "tests.scripted_llm", str(port)], cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(f"{base}/v1/models", process, timeout=30)
        yield base
    finally:
        stop(process)


@pytest.fixture(scope="module")
def llm_served(tmp_path_factory: pytest.TempPathFactory, scripted_llm: str) -> Iterator[tuple[str, Path]]:
    """`rag serve` whose LLM is the scripted server; yields its URL and its log file's folder."""
    tmp = tmp_path_factory.mktemp("llm-server")
    with rag_server(tmp, RAG_LLM_URL=f"{scripted_llm}/v1", RAG_LLM_TIMEOUT_S="2") as base:
        yield base, tmp


@pytest.fixture
def served(llm_served: tuple[str, Path]) -> str:
    return llm_served[0]


def script(llm: str, behaviour: str = "reply", text: str = "", **extra: Any) -> None:
    body = {"behaviour": behaviour, "text": text, "models_down": False, **extra}
    httpx.post(f"{llm}/_script", json=body, timeout=5).raise_for_status()


def ask(base: str, **body: Any) -> dict[str, Any]:
    response = httpx.post(f"{base}/ask", json={"question": HEADLINE, "answerer": "llm", **body}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def stream(base: str, path: str = "/ask/stream", **body: Any) -> list[tuple[str, Any]]:
    """(event, data) pairs of an SSE stream, in order; OpenAI's unnamed events are ('message', data)."""
    events: list[tuple[str, Any]] = []
    with httpx.stream("POST", f"{base}{path}", json=body, timeout=30) as response:
        assert response.status_code == 200, response.read()
        for block in response.read().decode().split("\n\n"):
            lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
            if "data" in lines:
                data = lines["data"]
                events.append((lines.get("event", "message"), data if data == "[DONE]" else json.loads(data)))
    return events


def extractive(base: str) -> dict[str, Any]:
    return ask(base, answerer="extractive")


def check_quotes(base: str, answer: dict[str, Any]) -> None:
    for citation in answer["citations"]:
        text = httpx.get(f"{base}/documents/{citation['doc_id']}", timeout=10).json()["text"]
        assert text[citation["start"] : citation["end"]] == citation["quote"]


def test_verified_answer_is_shown_with_its_quote(served: str, scripted_llm: str) -> None:
    script(scripted_llm, text="This is Lavrov's ninth visit to the Island [1].")
    answer = ask(served)
    assert answer["answerer"] == "llm", answer["fallback_reason"]
    assert answer["answered"] is True
    assert answer["answer"] == "This is Lavrov's ninth visit to the Island [1]."
    assert answer["fallback_reason"] is None
    assert "ninth visit" in answer["citations"][0]["quote"]
    assert answer["timings_ms"]["llm"] > 0
    check_quotes(served, answer)


@pytest.mark.parametrize(
    ("behaviour", "text", "reason"),
    [
        ("reply", FABRICATED, "'14' is not in the quote"),
        ("reply", "Lavrov visited nine times [7].", "passage [7], which it was not given"),
        ("reply", "Lavrov visited Cuba nine times.", "has no citation after it"),
        ("reply", "Sergey Shoigu made the ninth visit [1].", "Shoigu' is not in the quote"),
        ("timeout", "", "RAG_LLM_TIMEOUT_S"),
        ("error", "", "HTTP 500"),
        ("garbage", "", "not a chat completion"),
        ("reply", "   ", "empty"),
    ],
)
def test_failing_llm_answer_falls_back_to_extractive(
    served: str, scripted_llm: str, behaviour: str, text: str, reason: str
) -> None:
    script(scripted_llm, behaviour, text)
    started = time.monotonic()
    answer = ask(served)
    assert time.monotonic() - started < 10  # the 2 s timeout, not the scripted 10 s sleep
    assert answer["answerer"] == "extractive"
    assert reason in answer["fallback_reason"]
    assert answer["answer"] == extractive(served)["answer"]


def test_does_not_say_is_an_abstention(served: str, scripted_llm: str) -> None:
    script(scripted_llm, text="The corpus does not say.")
    answer = ask(served, question="What is the population of Cuba?")
    assert (answer["answerer"], answer["answered"], answer["answer"]) == ("llm", False, "The corpus does not say.")
    assert answer["citations"]
    check_quotes(served, answer)


def test_stream_passes_tokens_then_citations(served: str, scripted_llm: str) -> None:
    reply = "This is Lavrov's ninth visit to the Island [1]."
    script(scripted_llm, text=reply)
    events = stream(served, question=HEADLINE, answerer="llm")
    names = [name for name, _ in events]
    assert names.count("answer") >= 5
    assert names[-2:] == ["citations", "done"]
    assert "".join(data["text"] for name, data in events if name == "answer") == reply
    assert events[-2][1]["answerer"] == "llm"
    assert "ninth visit" in events[-2][1]["citations"][0]["quote"]


@pytest.mark.parametrize(("behaviour", "text"), [("reply", FABRICATED), ("cut", "Lavrov has made nine visits to the")])
def test_stream_failing_verification_ends_with_replacement(
    served: str, scripted_llm: str, behaviour: str, text: str
) -> None:
    script(scripted_llm, behaviour, text)
    events = stream(served, question=HEADLINE, answerer="llm")
    names = [name for name, _ in events]
    assert names[0] == "answer"
    assert names[-2:] == ["replace", "done"]
    replacement = events[-2][1]
    assert replacement["answerer"] == "extractive"
    assert replacement["fallback_reason"]
    assert replacement["answer"] == extractive(served)["answer"]


def test_stream_unreachable_llm_streams_the_extractive_answer(served: str, scripted_llm: str) -> None:
    script(scripted_llm, "error")
    events = stream(served, question=HEADLINE, answerer="llm")
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"]
    assert "HTTP 500" in events[-2][1]["fallback_reason"]
    assert "".join(d["text"] for n, d in events if n == "answer") == extractive(served)["answer"]


def test_openai_chat_passes_earlier_turns_and_answers_through_llm(served: str, scripted_llm: str) -> None:
    from openai import OpenAI

    script(scripted_llm, text="This is Lavrov's ninth visit to the Island [1].")
    client = OpenAI(base_url=f"{served}/v1", api_key="unused", max_retries=0)
    assert "rag-llm" in [m.id for m in client.models.list().data]
    messages: list[Any] = [
        {"role": "user", "content": "Who is the Russian foreign minister?"},
        {"role": "assistant", "content": "Sergey Lavrov. [1]"},
        {"role": "user", "content": "How many times has he visited Cuba?"},
    ]
    completion = client.chat.completions.create(model="rag-llm", messages=messages)
    assert completion.choices[0].message.content == "This is Lavrov's ninth visit to the Island [1]."
    assert completion.model_extra is not None
    assert completion.model_extra["answerer"] == "llm"
    sent = httpx.get(f"{scripted_llm}/_last", timeout=5).json()["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[2]["content"] == "Sergey Lavrov. [1]"
    assert "How many times has he visited Cuba?" in sent[3]["content"]
    pieces = [c.choices[0].delta.content or "" for c in client.chat.completions.create(
        model="rag-llm", messages=messages, stream=True) if c.choices]  # fmt: skip
    assert len([p for p in pieces if p]) >= 5


def test_openai_stream_with_fabricated_claim_closes_with_replacement(served: str, scripted_llm: str) -> None:
    script(scripted_llm, text=FABRICATED)
    events = stream(served, "/v1/chat/completions", model="rag-llm", stream=True,
                    messages=[{"role": "user", "content": HEADLINE}])  # fmt: skip
    assert events[-1] == ("message", "[DONE]")
    closing = events[-2][1]
    assert closing["choices"][0]["finish_reason"] == "stop"
    assert closing["replacement"]["answerer"] == "extractive"
    assert "'14'" in closing["replacement"]["fallback_reason"]


def test_readyz_reports_the_llm_without_failing(served: str, scripted_llm: str) -> None:
    script(scripted_llm)
    ready = httpx.get(f"{served}/readyz", timeout=10)
    assert (ready.status_code, ready.json()["llm"]) == (200, "up")
    script(scripted_llm, models_down=True)
    down = httpx.get(f"{served}/readyz", timeout=10)
    assert down.status_code == 200
    assert down.json()["llm"].startswith("down")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"question": HEADLINE, "top_k": 0}, 400),
        ({"question": HEADLINE, "top_k": 999}, 400),
        ({"question": HEADLINE, "top_k": False}, 422),
        ({"question": HEADLINE, "answerer": "oracle"}, 422),
        ({"question": ""}, 400),
    ],
)
def test_stream_bad_input_is_json_4xx_before_the_stream(
    llm_served: tuple[str, Path], body: dict[str, Any], status: int
) -> None:
    base, folder = llm_served
    response = httpx.post(f"{base}/ask/stream", json=body, timeout=30)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]["message"]
    logs = "".join(p.read_text(errors="replace") for p in folder.glob("server-*.log"))
    assert "Traceback" not in logs


@pytest.mark.browser
def test_page_shows_a_verified_llm_answer_and_its_source(served: str, scripted_llm: str) -> None:
    from tests.test_llm_real import CHROMIUM

    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install it with `apt-get install -y chromium`")
    script(scripted_llm, text="This is Lavrov's ninth visit to the Island [1].")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(served)
        page.route("**/ask/stream", lambda route: route.continue_(
            post_data=json.dumps({"question": HEADLINE, "answerer": "llm"})))  # fmt: skip
        page.fill("#question", HEADLINE)
        page.press("#question", "Enter")
        page.wait_for_selector(".msg.answer .answerer", timeout=60_000)
        message = page.locator(".msg.answer").last
        assert message.get_attribute("data-answerer") == "llm"
        assert "Answered by the LLM" in message.locator(".answerer").inner_text()
        assert message.locator(".answer-text").inner_text() == "This is Lavrov's ninth visit to the Island [1]."
        assert message.locator(".marker").count() == 1
        message.locator(".card").first.click()
        page.wait_for_selector("#source[open] mark.quote-highlight")
        assert "ninth visit" in page.locator("#source mark.quote-highlight").inner_text()
        browser.close()
