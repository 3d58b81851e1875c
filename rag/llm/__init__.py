"""The generative answerer: an OpenAI-compatible LLM whose answers are verified against quotes."""

from __future__ import annotations

from rag.llm.answerer import Final, LLMAnswerer, Token
from rag.llm.client import LLMClient
from rag.llm.prompt import ChatTurn

__all__ = ["ChatTurn", "Final", "LLMAnswerer", "LLMClient", "Token"]
