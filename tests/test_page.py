"""The chat page in real Chromium (Debian's), driven by Playwright, against a real `rag serve`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import HEADLINE, rag_server

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("RAG_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install it with `apt-get install -y chromium`")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield launched
        launched.close()


def ask(page, question: str) -> None:
    page.fill("#question", question)
    page.press("#question", "Enter")
    page.wait_for_function("!document.querySelector('#question').disabled", timeout=30_000)


def test_headline_answer_citation_and_source(browser, server: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server)
    page.fill("#question", HEADLINE)
    page.press("#question", "Enter")
    page.wait_for_selector(".msg.answer .card", timeout=30_000)
    answer = page.locator(".msg.answer").last
    assert "nine" in answer.locator(".answer-text").inner_text().lower()
    card = answer.locator(".card").first
    assert "ninth visit" in card.inner_text()
    assert answer.locator(".marker").count() >= 1
    body = httpx.post(f"{server}/ask", json={"question": HEADLINE}, timeout=30).json()
    quote = body["citations"][0]["quote"]
    page.screenshot(path=str(OUTPUT / "page-desktop.png"), full_page=True)
    card.click()
    page.wait_for_selector("#source[open] mark.quote-highlight")
    assert page.locator("#source mark.quote-highlight").inner_text() == quote
    assert "Lavrov" in page.locator("#source-title").inner_text()
    page.screenshot(path=str(OUTPUT / "page-source-open.png"))
    page.click("#source-close")
    page.set_viewport_size({"width": 360, "height": 780})
    page.screenshot(path=str(OUTPUT / "page-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1


def test_abstention_and_documents_view(browser, server: str) -> None:
    page = browser.new_page()
    page.goto(server)
    ask(page, "What is the population of Norway?")
    message = page.locator(".msg.answer").last
    assert "abstained" in (message.get_attribute("class") or "")
    assert "The articles don't say" in message.inner_text()
    assert "Closest passages" in message.inner_text()
    page.click("#documents-toggle")
    page.wait_for_selector("#documents-list li")
    assert "Lavrov in Cuba" in page.locator("#documents-list").inner_text()


def test_hostile_article_is_inert_text(browser, server: str) -> None:
    hostile = (
        "Mariel harbour report\n\nThe Mariel harbour received 7 <script>window.__pwned=1</script> cargo ships "
        'this week <img src=x onerror="window.__pwned=1">, port officials said.\n'
    )
    files = {"file": ("hostile.txt", hostile.encode(), "text/plain")}
    assert httpx.post(f"{server}/documents", files=files, timeout=60).status_code == 201
    page = browser.new_page()
    page.goto(server)
    ask(page, "How many cargo ships did the Mariel harbour receive this week?")
    message = page.locator(".msg.answer").last
    assert "<script>" in message.inner_text()
    message.locator(".card").first.click()
    page.wait_for_selector("#source[open]")
    assert "onerror" in page.locator("#source-text").inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img").count() == 0
    httpx.delete(f"{server}/documents/hostile")


def test_service_down_then_back(browser, tmp_path: Path) -> None:
    page = browser.new_page()
    with rag_server(tmp_path) as base:
        page.goto(base)
        ask(page, HEADLINE)
        assert page.locator(".msg.answer .card").count() >= 1
    ask(page, HEADLINE)  # the server is gone now
    assert "cannot be reached" in page.locator(".msg.error").last.inner_text()
    assert not page.locator("#question").is_disabled()
    port = base.rsplit(":", 1)[1]
    with rag_server(tmp_path, port=int(port)) as again:
        assert again == base
        ask(page, HEADLINE)
        assert "nine" in page.locator(".msg.answer .answer-text").last.inner_text().lower()
