"""The extractive reader: question analysis, candidates, fitted scoring, phrasing."""

from __future__ import annotations

from rag.answerer.reader import Draft, ExtractiveAnswerer

__all__ = ["Draft", "ExtractiveAnswerer"]
