"""Scores for one retriever mode: answers, abstention, citations, retrieval, latency."""

from __future__ import annotations

import re
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from eval.dataset import EvalItem
from rag.models import Answer, Passage
from rag.text import fold


@dataclass
class Outcome:
    item: EvalItem
    answer: Answer
    passages: list[Passage]
    documents: dict[str, str]

    @property
    def correct(self) -> bool:
        if not (self.item.answerable and self.answer.answered):
            return False
        if self.item.type == "list":
            return list_matches(self.answer.answer, self.item.answers)
        return matches(self.answer.answer, self.item.answers)

    @property
    def gold_rank(self) -> int | None:
        """1-based rank of the first retrieved passage holding a gold sentence."""
        for rank, passage in enumerate(self.passages, start=1):
            if any(
                g.doc_id == passage.chunk.doc_id and _overlaps(g.sentence, passage, self.documents)
                for g in self.item.evidence
            ):
                return rank
        return None

    def cites_gold(self) -> bool:
        golds = {(g.doc_id, g.sentence) for g in self.item.evidence}
        return any(
            (c.doc_id, c.quote) in golds or any(c.quote in s or s in c.quote for d, s in golds if d == c.doc_id)
            for c in self.answer.citations
        )


def _overlaps(sentence: str, passage: Passage, documents: dict[str, str]) -> bool:
    start = documents[passage.chunk.doc_id].find(sentence)
    return start >= 0 and start < passage.chunk.end and start + len(sentence) > passage.chunk.start


def normalise(text: str) -> str:
    """Lower-case, accents and punctuation out, number words as digits ('Nine' -> '9', 'ninth' -> '9')."""
    from text_to_num import alpha2digit

    text = alpha2digit(fold(text), "en", threshold=0)
    text = re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 1,500 -> 1500
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text)).strip()


def matches(answer: str, accepted: list[str]) -> bool:
    said = f" {normalise(answer)} "
    return any(f" {normalise(option)} " in said for option in accepted)


def list_matches(answer: str, accepted: list[str]) -> bool:
    """A list is right when it gives every item of one whole accepted list, in any order, or every item accepted
    on its own."""
    whole = [a for a in accepted if "," in a or " and " in a]
    items = [a for a in accepted if a not in whole]
    in_any_order = any(all(matches(answer, [i]) for i in _items_of(a)) for a in whole)
    return in_any_order or (bool(items) and all(matches(answer, [i]) for i in items))


def _items_of(listed: str) -> list[str]:
    """ "A, B, and C" -> A, B, C."""
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", listed)
    return [p.strip() for p in parts if p.strip()]


@dataclass
class Scores:
    split: str
    mode: str
    answer_accuracy: float
    abstention_precision: float
    abstention_recall: float
    citation_validity: float
    gold_citation_rate: float
    hit_rate: float
    mrr: float
    latency_p50_ms: float
    latency_p95_ms: float
    questions: int
    failures: list[dict[str, Any]] = field(default_factory=list)
    llm: dict[str, Any] = field(default_factory=dict)  # the LLM row's shown/fallback counts and audit

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def score(split: str, mode: str, outcomes: list[Outcome]) -> Scores:
    answerable = [o for o in outcomes if o.item.answerable]
    unanswerable = [o for o in outcomes if not o.item.answerable]
    abstained = [o for o in outcomes if not o.answer.answered]
    correct = [o for o in answerable if o.correct]
    citations = [(o, c) for o in outcomes if o.answer.answered for c in o.answer.citations]
    valid = [1 for o, c in citations if o.documents.get(c.doc_id, "")[c.start : c.end] == c.quote]
    ranks = [o.gold_rank for o in answerable]
    latencies = sorted(o.answer.timings_ms["total"] for o in outcomes)
    return Scores(
        split=split,
        mode=mode,
        answer_accuracy=_ratio(len(correct), len(answerable)),
        abstention_precision=_ratio(sum(1 for o in abstained if not o.item.answerable), len(abstained)),
        abstention_recall=_ratio(sum(1 for o in unanswerable if not o.answer.answered), len(unanswerable)),
        citation_validity=_ratio(len(valid), len(citations)),
        gold_citation_rate=_ratio(sum(1 for o in correct if o.cites_gold()), len(correct)),
        hit_rate=_ratio(sum(1 for r in ranks if r), len(ranks)),
        mrr=round(statistics.fmean(1 / r if r else 0 for r in ranks), 4) if ranks else 0.0,
        latency_p50_ms=round(percentile(latencies, 50), 1),
        latency_p95_ms=round(percentile(latencies, 95), 1),
        questions=len(outcomes),
        failures=[_failure(o) for o in outcomes if _failed(o)],
    )


def _failed(outcome: Outcome) -> bool:
    return not outcome.correct if outcome.item.answerable else outcome.answer.answered


def _failure(outcome: Outcome) -> dict[str, Any]:
    expected = " | ".join(outcome.item.answers) if outcome.item.answerable else "(abstain)"
    return {
        "id": outcome.item.id,
        "question": outcome.item.question,
        "expected": expected,
        "got": outcome.answer.answer,
    }


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    index = min(len(values) - 1, round(pct / 100 * (len(values) - 1)))
    return values[index]


def accuracy_by_type(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """{question type: (right, asked)}; for "none", right means abstained."""
    table: dict[str, tuple[int, int]] = {}
    for outcome in outcomes:
        right, asked = table.get(outcome.item.type, (0, 0))
        ok = outcome.correct if outcome.item.answerable else not outcome.answer.answered
        table[outcome.item.type] = (right + int(ok), asked + 1)
    return dict(sorted(table.items()))
