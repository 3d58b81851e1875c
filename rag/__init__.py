"""Retrieval-augmented question answering over news articles, with verified quotes."""

from __future__ import annotations

__version__ = "0.1.0"
