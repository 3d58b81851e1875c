"""The HTTP API over a real `rag serve` (uvicorn) on a loopback port, real model and Chroma."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import openai
import pytest
from httpx_sse import connect_sse

from tests.conftest import DOC_14YMEDIO, HEADLINE, rag_server

NEW_ARTICLE = (
    "Cuban sugar harvest falls short\n\n"
    "Havana, 3 March 2024 — The sugar harvest in Camagüey reached 41,000 tonnes this season, the lowest in a century, "
    "local officials said on Sunday.\n"
)


def counts(base: str) -> tuple[int, int]:
    docs = httpx.get(f"{base}/documents").json()
    return len(docs), sum(d["chunks"] for d in docs)


def test_headline_over_http_with_verified_offsets(server: str) -> None:
    response = httpx.post(f"{server}/ask", json={"question": HEADLINE}, timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert body["answered"] is True
    assert "nine" in body["answer"].lower()
    assert set(body["timings_ms"]) == {"retrieve", "answer", "total"}
    citation = body["citations"][0]
    assert "ninth visit" in citation["quote"]
    document = httpx.get(f"{server}/documents/{citation['doc_id']}").json()
    for c in body["citations"]:
        text = httpx.get(f"{server}/documents/{c['doc_id']}").json()["text"]
        assert text[c["start"] : c["end"]] == c["quote"]
    assert document["doc_id"] == DOC_14YMEDIO


def test_upload_ask_delete_reupload(server: str) -> None:
    question = "How many tonnes did the sugar harvest in Camagüey reach?"
    files = {"file": ("sugar.txt", NEW_ARTICLE.encode(), "text/plain")}
    created = httpx.post(f"{server}/documents", files=files, timeout=60)
    assert created.status_code == 201
    assert created.json()["status"] == "added"
    assert created.json()["chunks"] >= 1
    again = httpx.post(f"{server}/documents", files=files, timeout=60)
    assert again.json()["status"] == "unchanged"
    answer = httpx.post(f"{server}/ask", json={"question": question}, timeout=30).json()
    assert answer["answered"], answer
    assert "41,000" in answer["answer"]
    assert answer["citations"][0]["doc_id"] == "sugar"
    assert httpx.delete(f"{server}/documents/sugar").status_code == 204
    assert httpx.delete(f"{server}/documents/sugar").status_code == 404
    after = httpx.post(f"{server}/ask", json={"question": question}, timeout=30).json()
    assert after["answered"] is False


def test_json_upload(server: str) -> None:
    body = {
        "title": "Ferry service resumes",
        "text": "The Havana ferry resumed service with 3 boats.",
        "date": "2024-03-05",
    }
    created = httpx.post(f"{server}/documents", json=body, timeout=60)
    assert created.status_code == 201
    doc_id = created.json()["doc_id"]
    assert doc_id.startswith("ferry-service-resumes-")
    doc = httpx.get(f"{server}/documents/{doc_id}").json()
    assert doc["date"] == "2024-03-05"
    assert httpx.delete(f"{server}/documents/{doc_id}").status_code == 204


def test_titles_differing_in_case_are_two_documents(server: str) -> None:
    first = httpx.post(f"{server}/documents", json={"title": "Breaking news!", "text": "Six boats ran."}, timeout=60)
    second = httpx.post(f"{server}/documents", json={"title": "Breaking News", "text": "Eight buses ran."}, timeout=60)
    symbols = httpx.post(f"{server}/documents", json={"title": "!!!", "text": "Nine trains ran."}, timeout=60)
    assert [r.json()["status"] for r in (first, second, symbols)] == ["added"] * 3
    ids = {r.json()["doc_id"] for r in (first, second, symbols)}
    assert len(ids) == 3
    texts = {httpx.get(f"{server}/documents/{i}").json()["text"] for i in ids}
    assert texts == {"Six boats ran.", "Eight buses ran.", "Nine trains ran."}
    for doc_id in ids:
        assert httpx.delete(f"{server}/documents/{doc_id}").status_code == 204


def test_existing_id_is_replaced_only_when_asked(server: str) -> None:
    before = httpx.get(f"{server}/documents/{DOC_14YMEDIO}").json()
    files = {"file": (f"{DOC_14YMEDIO}.txt", b"A different article about the port.", "text/plain")}
    refused = httpx.post(f"{server}/documents", files=files, timeout=60)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "conflict"
    assert "replace=true" in refused.json()["error"]["message"]
    assert httpx.get(f"{server}/documents/{DOC_14YMEDIO}").json() == before
    body = {"title": "Port news", "text": "The port opened a new dock.", "doc_id": "port-news"}
    assert httpx.post(f"{server}/documents", json=body, timeout=60).json()["status"] == "added"
    changed = {**body, "text": "The port opened two new docks."}
    assert httpx.post(f"{server}/documents", json=changed, timeout=60).status_code == 409
    replaced = httpx.post(f"{server}/documents", params={"replace": "true"}, json=changed, timeout=60)
    assert replaced.status_code == 201
    assert replaced.json()["status"] == "replaced"
    assert httpx.get(f"{server}/documents/port-news").json()["text"] == changed["text"]
    assert httpx.delete(f"{server}/documents/port-news").status_code == 204


def test_chunked_body_over_the_limit_is_413(server: str) -> None:
    def five_megabytes():
        for _ in range(80):
            yield b"a" * 65_536

    for path, headers in (
        ("/documents", {"content-type": "application/json"}),
        ("/ask", {"content-type": "application/json"}),
    ):
        response = httpx.post(f"{server}{path}", content=five_megabytes(), headers=headers, timeout=60)
        assert response.status_code == 413, response.text
        assert response.json()["error"]["code"] == "too_large"
    files = {"file": ("big.txt", b"word " * 400_000, "text/plain")}
    request = httpx.Request("POST", f"{server}/documents", files=files)
    streamed = httpx.Request("POST", f"{server}/documents", headers={"content-type": request.headers["content-type"]},
                             content=iter([request.read()]))  # fmt: skip
    assert "content-length" not in streamed.headers
    with httpx.Client(timeout=60) as client:
        assert client.send(streamed).status_code == 413


def test_405_says_what_is_allowed(server: str) -> None:
    response = httpx.patch(f"{server}/ask")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"


JSON = {"content-type": "application/json"}


def test_stream_sends_text_then_citations_once(server: str) -> None:
    events = []
    with (
        httpx.Client(timeout=30) as client,
        connect_sse(client, "POST", f"{server}/ask/stream", json={"question": HEADLINE}) as source,
    ):
        events = [(e.event, json.loads(e.data)) for e in source.iter_sse()]
    names = [name for name, _ in events]
    assert names.count("citations") == 1
    assert names[-1] == "done"
    assert names.index("citations") > max(i for i, n in enumerate(names) if n == "answer")
    text = "".join(data["text"] for name, data in events if name == "answer")
    assert text.lower().startswith("nine times")
    citations = next(data for name, data in events if name == "citations")["citations"]
    assert "ninth visit" in citations[0]["quote"]


def test_openai_client(server: str) -> None:
    client = openai.OpenAI(base_url=f"{server}/v1", api_key="unused")
    assert [m.id for m in client.models.list()] == ["rag-extractive"]
    reply = client.chat.completions.create(model="rag-extractive", messages=[{"role": "user", "content": HEADLINE}])
    assert "Nine times" in reply.choices[0].message.content
    assert "[1]" in reply.choices[0].message.content
    assert "ninth visit" in reply.model_extra["citations"][0]["quote"]
    stream = client.chat.completions.create(
        model="rag-extractive", messages=[{"role": "user", "content": HEADLINE}], stream=True
    )
    pieces, citations = [], []
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        citations.extend((chunk.model_extra or {}).get("citations") or [])
    assert "".join(pieces).startswith("Nine times")
    assert len(citations) >= 1
    assert "ninth visit" in citations[0]["quote"]


def test_openai_follow_up(server: str) -> None:
    client = openai.OpenAI(base_url=f"{server}/v1", api_key="unused")
    messages = [
        {"role": "user", "content": HEADLINE},
        {"role": "assistant", "content": "Nine times, as of 19 February 2024. [1]"},
        {"role": "user", "content": "And who did he meet?"},
    ]
    reply = client.chat.completions.create(model="rag-extractive", messages=messages)
    content = reply.choices[0].message.content or ""
    assert "Canel" in content  # the president he met, not the Lavrov the first question named


@pytest.mark.parametrize(
    ("path", "kwargs", "status"),
    [
        ("/ask", {"json": {"question": "   "}}, 400),
        ("/ask", {"json": {"question": "x" * 501}}, 400),
        ("/ask", {"json": {"question": "Who?", "top_k": 0}}, 400),
        ("/ask", {"json": {"question": "Who?", "top_k": 21}}, 400),
        ("/ask", {"content": b"{not json", "headers": {"content-type": "application/json"}}, 400),
        ("/ask", {"json": {"top_k": 3}}, 422),
        ("/ask/stream", {"json": {"question": ""}}, 400),
        ("/documents", {"files": {"file": ("a.txt", "caf\xe9".encode("latin-1"), "text/plain")}}, 415),
        ("/documents", {"files": {"file": ("a.txt", b"\x00\x01binary", "text/plain")}}, 415),
        ("/documents", {"files": {"file": ("a.pdf", b"%PDF-1.4", "application/pdf")}}, 415),
        ("/documents", {"files": {"file": ("../etc/a.txt", b"Some text.", "text/plain")}}, 400),
        ("/documents", {"files": {"file": ("big.txt", b"word " * 250_000, "text/plain")}}, 413),
        ("/documents", {"json": {"title": "", "text": "x"}}, 422),
        ("/documents", {"content": b"{", "headers": {"content-type": "application/json"}}, 400),
        ("/v1/chat/completions", {"json": {"messages": [{"role": "user", "content": " "}]}}, 400),
        ("/ask", {"content": b'{"question": "\\ud800 and Cuba?"}', "headers": JSON}, 400),
        ("/ask/stream", {"content": b'{"question": "\\ud800 and Cuba?"}', "headers": JSON}, 400),
        (
            "/v1/chat/completions",
            {"content": b'{"messages": [{"role": "user", "content": "\\udfff"}]}', "headers": JSON},
            400,
        ),
        (
            "/v1/chat/completions",
            {
                "content": b'{"messages": [{"role": "user", "content": [{"type": "text", "text": "\\ud800"}]}]}',
                "headers": JSON,
            },
            400,
        ),
        ("/documents", {"content": b'{"title": "\\ud800", "text": "Some text."}', "headers": JSON}, 400),
        ("/documents", {"content": b'{"title": "Ok", "text": "Some \\udc80 text."}', "headers": JSON}, 400),
        ("/ask", {"json": {"question": "Who?", "top_k": False}}, 422),
    ],
)
def test_bad_input_gets_4xx_and_writes_nothing(server: str, path: str, kwargs: dict, status: int) -> None:
    before = counts(server)
    response = httpx.post(f"{server}{path}", timeout=30, **kwargs)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"]
    assert error["message"]
    assert "Traceback" not in response.text
    assert counts(server) == before


def test_unknown_document_is_404(server: str) -> None:
    response = httpx.get(f"{server}/documents/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "document_not_found"


def test_health_ready_metrics_docs(server: str) -> None:
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{server}/readyz").status_code == 200
    httpx.post(f"{server}/ask", json={"question": "What is the population of Norway?"}, timeout=30)
    metrics = httpx.get(f"{server}/metrics").text
    assert 'rag_questions_total{outcome="abstained"}' in metrics
    assert 'rag_http_requests_total{method="POST",route="/ask",status="200"}' in metrics
    assert "rag_http_request_duration_seconds_bucket" in metrics
    assert "rag_documents 2.0" in metrics
    assert httpx.get(f"{server}/docs").status_code == 200
    assert "/ask/stream" in httpx.get(f"{server}/openapi.json").json()["paths"]


def test_api_key_guards_writes_only(tmp_path: Path) -> None:
    with rag_server(tmp_path, RAG_API_KEY="s3cret", RAG_CORS_ORIGINS="http://example.test") as base:
        files = {"file": ("k.txt", b"A short note about the Havana port.", "text/plain")}
        assert httpx.post(f"{base}/documents", files=files, timeout=60).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert httpx.post(f"{base}/documents", files=files, headers=wrong, timeout=60).status_code == 401
        accented = [(b"authorization", "Bearer s3cr\u00e9t".encode("latin-1"))]
        assert httpx.post(f"{base}/documents", files=files, headers=accented, timeout=60).status_code == 401
        assert httpx.delete(f"{base}/documents/{DOC_14YMEDIO}").status_code == 401
        assert httpx.get(f"{base}/documents").status_code == 200
        assert httpx.post(f"{base}/ask", json={"question": HEADLINE}, timeout=30).status_code == 200
        ok = {"Authorization": "Bearer s3cret"}
        assert httpx.post(f"{base}/documents", files=files, headers=ok, timeout=60).status_code == 201
        preflight = httpx.options(
            f"{base}/ask", headers={"Origin": "http://example.test", "Access-Control-Request-Method": "POST"}
        )
        assert preflight.headers.get("access-control-allow-origin") == "http://example.test"
