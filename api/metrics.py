"""Prometheus metrics: requests and latency per route, answers vs abstentions, stored counts."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "rag_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "rag_http_request_duration_seconds", "HTTP request latency", ["method", "route"], registry=self.registry,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )  # fmt: skip
        self.questions = Counter("rag_questions_total", "Questions by outcome", ["outcome"], registry=self.registry)
        self.documents = Gauge("rag_documents", "Documents stored", registry=self.registry)
        self.chunks = Gauge("rag_chunks", "Chunks stored", registry=self.registry)
        self.store_up = Gauge("rag_store_up", "1 when the store answered this scrape", registry=self.registry)

    def record_answer(self, answered: bool) -> None:
        self.questions.labels(outcome="answered" if answered else "abstained").inc()

    def render(self, counts: tuple[int, int] | None, store_up: bool) -> bytes:
        """The metrics text; without fresh counts the stored-count gauges keep their last value."""
        if counts is not None:
            self.documents.set(counts[0])
            self.chunks.set(counts[1])
        self.store_up.set(1 if store_up else 0)
        return generate_latest(self.registry)

    async def middleware(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = request.scope.get("route")
            path = getattr(route, "path", "unmatched")
            self.requests.labels(request.method, path, str(status)).inc()
            self.latency.labels(request.method, path).observe(time.perf_counter() - started)
