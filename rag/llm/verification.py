"""Check an LLM answer against its citations: each claim must be inside a quote it cites."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.errors import VerificationError
from rag.llm.claims import Claim, Facts, claims_in, fold
from rag.models import Citation, Passage
from rag.text import Sentence, content_terms, split_sentences

MARKERS = re.compile(r"\s*(?:\[\d+\]\s*)+")
_REF = re.compile(r"\[(\d+)\]")
MAX_QUOTE_SENTENCES = 3  # a claim may draw on a sentence and its neighbours, never a whole passage


@dataclass(frozen=True)
class Segment:
    """Answer text and the passage numbers written right after it."""

    text: str
    refs: tuple[int, ...]


def segments(answer: str) -> list[Segment]:
    """Split at each group of [n] markers; text after the last group has no refs."""
    out, position = [], 0
    for group in MARKERS.finditer(answer):
        refs = tuple(int(n) for n in _REF.findall(group.group()))
        if refs:
            out.append(Segment(answer[position : group.start()], refs))
            position = group.end()
    out.append(Segment(answer[position:], ()))
    return [s for s in out if s.text.strip() or s.refs]


def verify(answer: str, passages: list[Passage]) -> list[Citation]:
    """The citations backing `answer`, one quote per cited passage; VerificationError when any claim is unbacked."""
    parts = segments(answer)
    claims = [(s, claims_in(s.text)) for s in parts]
    for segment, found in claims:
        if found and not segment.refs:
            raise VerificationError(f"{found[0].kind} {found[0].text!r} has no citation after it")
    cited = sorted({r for s in parts for r in s.refs})
    if not cited:
        raise VerificationError("the LLM's answer cites no passage")
    missing = [r for r in cited if not 1 <= r <= len(passages)]
    if missing:
        raise VerificationError(f"the LLM cited passage [{missing[0]}], which it was not given")
    backing = {r: [c for s, found in claims if r in s.refs for c in found] for r in cited}
    quotes = {r: _best_quote(passages[r - 1], backing[r], answer) for r in cited}
    for segment, found in claims:
        for claim in found:
            if not any(claim.backed_by(Facts.of(quotes[r].text)) for r in segment.refs):
                refs = ", ".join(f"[{r}]" for r in segment.refs)
                raise VerificationError(f"{claim.kind} {claim.text!r} is not in the quote it cites ({refs})")
    return [_citation(r, passages[r - 1], quotes[r]) for r in cited]


def _best_quote(passage: Passage, claims: list[Claim], answer: str) -> Sentence:
    """The shortest run of sentences backing the most claims; ties go to the one sharing most words."""
    sentences = split_sentences(passage.chunk.text, offset=passage.chunk.start)
    answer_terms = set(content_terms(answer))
    best: tuple[tuple[int, int, int], Sentence] | None = None
    for size in range(1, MAX_QUOTE_SENTENCES + 1):
        for first in range(len(sentences) - size + 1):
            window = _join(passage, sentences[first : first + size])
            facts = Facts.of(window.text)
            backed = sum(c.backed_by(facts) for c in claims)
            key = (backed, -size, len(answer_terms & set(content_terms(window.text))))
            if best is None or key > best[0]:
                best = (key, window)
    if best is None:  # an empty passage cannot back anything
        raise VerificationError("the LLM cited an empty passage")
    return best[1]


def _join(passage: Passage, run: list[Sentence]) -> Sentence:
    start, end = run[0].start, run[-1].end
    return Sentence(passage.chunk.text[start - passage.chunk.start : end - passage.chunk.start], start, end)


def _citation(ref: int, passage: Passage, quote: Sentence) -> Citation:
    chunk = passage.chunk
    return Citation(
        ref=ref, doc_id=chunk.doc_id, title=chunk.title, date=chunk.date, source=chunk.source, quote=quote.text,
        start=quote.start, end=quote.end, passage=chunk.text, score=round(passage.score, 4),
    )  # fmt: skip


def closest_citations(question: str, passages: list[Passage], limit: int = 3) -> list[Citation]:
    """For an answer the passages do not support: each top passage's sentence nearest the question."""
    terms = set(content_terms(question))
    citations = []
    for ref, passage in enumerate(passages[:limit], start=1):
        sentences = split_sentences(passage.chunk.text, offset=passage.chunk.start)
        if sentences:
            nearest = max(sentences, key=lambda s: len(terms & set(content_terms(s.text))))
            citations.append(_citation(ref, passage, nearest))
    return citations


def says_not_said(answer: str) -> bool:
    """The LLM's own 'The corpus does not say.' (markers and punctuation aside)."""
    return fold(MARKERS.sub(" ", answer)).strip().strip(".\"' ").startswith("the corpus does not say")
