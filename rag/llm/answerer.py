"""LLMAnswerer: prompt the LLM, verify its reply, and say why when it cannot be shown."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from rag.errors import LLMUnavailableError, VerificationError
from rag.llm.client import LLMClient
from rag.llm.prompt import NOT_SAID, ChatTurn, build_messages
from rag.llm.verification import closest_citations, says_not_said, verify
from rag.models import Answer, Citation, Passage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    """A verified LLM answer, or the reason it must be replaced (`fallback_reason` set)."""

    answer: str
    answered: bool
    citations: list[Citation]
    fallback_reason: str | None = None


@dataclass(frozen=True)
class Token:
    """A piece of the LLM's reply, as it arrived."""

    text: str


@dataclass(frozen=True)
class Final:
    """The answer to show; `replaces_tokens` when it is not what the tokens said."""

    answer: Answer
    replaces_tokens: bool


class LLMAnswerer:
    def __init__(self, client: LLMClient) -> None:
        self.client = client

    def answer(self, question: str, passages: list[Passage], turns: list[ChatTurn] | None = None) -> Verdict:
        """Ask and verify in one go."""
        try:
            reply = self.client.complete(build_messages(question, passages, turns))
        except LLMUnavailableError as exc:
            return self._failed(str(exc))
        return self.judge(reply, question, passages)

    def stream(
        self, question: str, passages: list[Passage], turns: list[ChatTurn] | None = None
    ) -> Iterator[str | Verdict]:
        """The reply's pieces as they arrive, then one Verdict on the whole reply."""
        pieces: list[str] = []
        try:
            for piece in self.client.stream(build_messages(question, passages, turns)):
                pieces.append(piece)
                yield piece
        except LLMUnavailableError as exc:
            yield self._failed(str(exc))
            return
        yield self.judge("".join(pieces), question, passages)

    def judge(self, reply: str, question: str, passages: list[Passage]) -> Verdict:
        reply = reply.strip()
        if not reply:
            return self._failed("the LLM's reply was empty")
        if says_not_said(reply):
            return Verdict(NOT_SAID, False, closest_citations(question, passages))
        try:
            return Verdict(reply, True, verify(reply, passages))
        except VerificationError as exc:
            logger.info("LLM answer rejected: %s; reply was %r", exc, reply[:300])
            return Verdict(reply, False, [], fallback_reason=str(exc))

    @staticmethod
    def _failed(reason: str) -> Verdict:
        logger.warning("LLM unavailable, answering extractively: %s", reason)
        return Verdict("", False, [], fallback_reason=reason)
