"""Verification of LLM answers: pure logic over hand-made passages, plus the stream's error event."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from api.routes_ask import answer_events
from api.schemas import AskRequest
from rag.errors import StoreUnavailableError, VerificationError
from rag.llm.claims import Facts, claims_in, number_key
from rag.llm.verification import says_not_said, segments, verify
from rag.models import Chunk, Passage

DOCUMENT = (
    "Harbour report\n\nThe port of Tarvel received nine cargo ships in March 2023. Officials expect more. "
    "Mayor Ines Dalberg said 1,200 people work at the docks.\n\nA second berth opens on Monday."
)


def passage(text: str = DOCUMENT, start: int = 0) -> Passage:
    chunk = Chunk("c1", "doc", text, start, start + len(text), "Harbour report", "2023-03-10", "tests", "h")
    return Passage(chunk, 1.0)


def test_verified_answer_cites_the_sentence_with_document_offsets() -> None:
    citations = verify("Tarvel received nine ships in March 2023 [1].", [passage()])
    assert len(citations) == 1
    quote = citations[0]
    assert quote.quote == "The port of Tarvel received nine cargo ships in March 2023."
    assert DOCUMENT[quote.start : quote.end] == quote.quote


def test_offsets_stay_exact_for_a_chunk_inside_a_document() -> None:
    offset = DOCUMENT.index("Officials")
    citations = verify("About 1,200 people work there, Dalberg said [1].", [passage(DOCUMENT[offset:], offset)])
    assert DOCUMENT[citations[0].start : citations[0].end] == citations[0].quote
    assert "1,200 people" in citations[0].quote


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("Tarvel received 12 ships [1].", "number '12'"),
        ("Tarvel received nine ships in April [1].", "date 'April'"),
        ("Mayor Karl Dalberg said so [1].", "name 'Karl Dalberg'"),
        ("Only one ship came to Tarvel [1].", "number 'one'"),
        ("Tarvel received nine ships [2].", r"passage \[2\], which it was not given"),
        ("Tarvel received nine ships.", "no citation after it"),
        ("It is busy [1]. It has 40 cranes.", "number '40' has no citation"),
        ("Something happened.", "cites no passage"),
    ],
)
def test_unbacked_claims_fail(answer: str, reason: str) -> None:
    with pytest.raises(VerificationError, match=reason):
        verify(answer, [passage()])


def test_a_claim_must_sit_in_the_quote_not_merely_the_passage() -> None:
    # "Monday" is in the passage, but three sentences away from the ships: one quote cannot hold both.
    with pytest.raises(VerificationError, match="Monday"):
        verify("Tarvel received nine ships, and a berth opens on Monday [1].", [passage()])


def test_number_words_digits_and_ordinals_compare_equal() -> None:
    assert number_key("nine") == number_key("9") == number_key("ninth") == number_key("9th") == "9"
    assert number_key("1,200") == "1200"
    assert number_key("twenty-five") == "25"
    assert Facts.of("received 9 ships").numbers == {"9"}
    assert {c.kind for c in claims_in("Dalberg counted nine ships on Monday")} == {"name", "number", "date"}


def test_segments_and_not_said() -> None:
    assert [s.refs for s in segments("A [1][2]. B [3] end.")] == [(1, 2), (3,), ()]
    assert says_not_said("The corpus does not say.")
    assert says_not_said("the corpus does not say [1]")
    assert not says_not_said("Nine times [1].")


class _StoreDown:
    def ask_stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        raise StoreUnavailableError("the Chroma store cannot be reached; check RAG_CHROMA_URL")
        yield  # a generator, like the pipeline's


class _Metrics:
    def record_answer(self, answered: bool) -> None: ...


def test_failure_inside_an_open_stream_is_an_error_event() -> None:
    async def collect() -> list[str]:
        body = AskRequest(question="anything")
        return [e async for e in answer_events(_StoreDown(), _Metrics(), body)]  # type: ignore[arg-type]

    events = asyncio.run(collect())
    assert events == [
        'event: error\ndata: {"code": "store_unavailable", "message": '
        '"the Chroma store cannot be reached; check RAG_CHROMA_URL"}\n\n'
    ]


def test_unreachable_llm_falls_back_in_process(make_pipeline: Any) -> None:
    from tests.conftest import CORPUS, HEADLINE, free_port

    pipeline = make_pipeline(llm_url=f"http://127.0.0.1:{free_port()}/v1", llm_model="absent", llm_timeout_s=3)
    pipeline.ingest([CORPUS])
    answer = pipeline.ask(HEADLINE, answerer="llm")
    assert answer.answerer == "extractive"
    assert "cannot be reached" in (answer.fallback_reason or "")
    assert pipeline.llm_state()["llm"].startswith("down")
