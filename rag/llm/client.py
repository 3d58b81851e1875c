"""The LLM client: the official `openai` package against any OpenAI-compatible server."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rag.errors import InvalidInputError, LLMUnavailableError

logger = logging.getLogger(__name__)
# What a broken server can make the openai package raise, besides its own errors: a connection cut
# mid-stream surfaces as httpx's error, a body that is not a completion as a parsing error.
_PARSE_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError)


class LLMClient:
    def __init__(
        self, base_url: str, model: str | None, api_key: str | None, timeout_s: float, max_tokens: int
    ) -> None:
        try:
            from openai import OpenAI
        except ImportError as exc:
            missing = "RAG_LLM_URL is set but the `openai` package is missing: pip install -e '.[llm]'"
            raise InvalidInputError(missing) from exc

        # No retries: a failed call falls back to the extractive answer at once instead of waiting again.
        self._openai = OpenAI(base_url=base_url, api_key=api_key or "unused", timeout=timeout_s, max_retries=0)
        self._model = model
        self.max_tokens = max_tokens
        self.base_url = base_url

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The whole reply."""
        with _translated_errors():
            reply = self._openai.chat.completions.create(**self._request(messages))
            choice = reply.choices[0]
            if choice.finish_reason not in ("stop", "length", None):
                raise LLMUnavailableError(f"the LLM stopped with finish_reason {choice.finish_reason!r}")
            return str(choice.message.content or "")

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """The reply's pieces as they arrive; an error if the stream ends without a finish reason."""
        finished = False
        with _translated_errors():
            for chunk in self._openai.chat.completions.create(**self._request(messages), stream=True):
                if not chunk.choices:
                    continue
                piece = chunk.choices[0].delta.content
                if piece:
                    yield piece
                finished = finished or chunk.choices[0].finish_reason is not None
        if not finished:
            raise LLMUnavailableError("the LLM's reply was cut off before it finished")

    def model_name(self) -> str:
        """The configured model, or the first one the server lists."""
        if self._model is None:
            with _translated_errors():
                self._model = self._openai.models.list().data[0].id
        return self._model

    def ping(self) -> str:
        """'up' or why not, without raising."""
        try:
            with _translated_errors():
                self._openai.with_options(timeout=2.0).models.list()
        except LLMUnavailableError as exc:
            return f"down: {exc}"
        return "up"

    def _request(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        # Temperature 0: the same question gives the same answer, and invented details are rarer.
        return {"model": self.model_name(), "messages": messages, "max_tokens": self.max_tokens, "temperature": 0}


@contextmanager
def _translated_errors() -> Iterator[None]:
    """Turn whatever the server or the connection did into LLMUnavailableError with a short reason."""
    import httpx
    import openai

    try:
        yield
    except LLMUnavailableError:
        raise
    except openai.APITimeoutError as exc:
        raise LLMUnavailableError("the LLM did not answer within RAG_LLM_TIMEOUT_S") from exc
    except openai.APIStatusError as exc:
        raise LLMUnavailableError(f"the LLM server answered HTTP {exc.status_code}") from exc
    except (openai.APIConnectionError, httpx.HTTPError) as exc:
        raise LLMUnavailableError(f"the LLM server cannot be reached or hung up ({type(exc).__name__})") from exc
    except (openai.OpenAIError, *_PARSE_ERRORS) as exc:
        raise LLMUnavailableError(f"the LLM server sent something that is not a chat completion ({exc})") from exc
