"""The chat messages sent to the LLM: numbered passages, the question, earlier turns."""

from __future__ import annotations

from dataclasses import dataclass

from rag.models import Passage

NOT_SAID = "The corpus does not say."
SYSTEM = (
    "You answer questions about news articles using only the numbered passages you are given. "
    "Answer in one or two short sentences. Put the passage number in square brackets, like [1], "
    "after each claim. Use only names, numbers and dates that are written in the passages. "
    f'If the passages do not answer the question, reply exactly "{NOT_SAID}"'
)

REMINDER = "Answer in one short sentence from the passages and end it with the passage number, for example [1]."


@dataclass(frozen=True)
class ChatTurn:
    """An earlier turn of a conversation: role is 'user' or 'assistant'."""

    role: str
    text: str


def passage_block(number: int, passage: Passage) -> str:
    chunk = passage.chunk
    return f"[{number}] {chunk.title} ({chunk.date or 'undated'})\n{chunk.text.strip()}"


def build_messages(question: str, passages: list[Passage], turns: list[ChatTurn] | None = None) -> list[dict[str, str]]:
    """System instructions, earlier turns as they were, then the passages and the question."""
    numbered = "\n\n".join(passage_block(n, p) for n, p in enumerate(passages, start=1))
    messages = [{"role": "system", "content": SYSTEM}]
    messages += [{"role": t.role, "content": t.text} for t in turns or [] if t.role in ("user", "assistant")]
    # The instruction is repeated after the passages: small models follow what they read last.
    ask = f"Passages:\n\n{numbered}\n\nQuestion: {question}\n{REMINDER}"
    messages.append({"role": "user", "content": ask})
    return messages
