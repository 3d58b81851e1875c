"""The eval set: its schema, loading, and the check that gold sentences are verbatim."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rag.errors import InvalidInputError

DEFAULT_SET = Path(__file__).parent / "questions.yaml"
DEFAULT_THRESHOLDS = Path(__file__).parent / "thresholds.yaml"
QuestionType = Literal[
    "count", "amount", "date", "person", "place", "organisation", "list", "yesno", "description", "none"
]


class GoldEvidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_id: str
    sentence: str = Field(..., min_length=1)


class EvalItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(..., pattern=r"^[a-z0-9-]+$")
    question: str = Field(..., min_length=3)
    type: QuestionType
    answerable: bool
    answers: list[str] = Field(default_factory=list, description="Accepted answers; any one matching is correct.")
    evidence: list[GoldEvidence] = Field(default_factory=list)
    variant_of: str | None = None
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> EvalItem:
        if self.answerable and (not self.answers or not self.evidence):
            raise ValueError("an answerable question needs answers and gold evidence")
        if not self.answerable and (self.answers or self.type != "none"):
            raise ValueError("an unanswerable question has type 'none' and no answers")
        return self


def load_eval_set(path: Path = DEFAULT_SET) -> list[EvalItem]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInputError(f"cannot read the eval set {path}: {exc}") from None
    if not isinstance(raw, list):
        raise InvalidInputError(f"{path}: the eval set must be a YAML list of questions")
    items = []
    for index, entry in enumerate(raw):
        try:
            items.append(EvalItem.model_validate(entry))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InvalidInputError(f"{path}: entry {index + 1} ({where}): {first['msg']}") from None
    ids = [item.id for item in items]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InvalidInputError(f"{path}: duplicate ids {duplicates}")
    unknown = sorted({item.variant_of for item in items if item.variant_of and item.variant_of not in ids})
    if unknown:
        raise InvalidInputError(f"{path}: variant_of names unknown ids {unknown}")
    return items


def check_gold_evidence(items: list[EvalItem], documents: dict[str, str]) -> list[str]:
    """Problems with gold evidence: unknown documents, or sentences not verbatim in the cleaned text."""
    problems = []
    for item in items:
        for gold in item.evidence:
            text = documents.get(gold.doc_id)
            if text is None:
                problems.append(f"{item.id}: unknown document {gold.doc_id}")
            elif gold.sentence not in text:
                problems.append(f"{item.id}: gold sentence not found verbatim in {gold.doc_id}: {gold.sentence[:60]!r}")
    return problems


GATED_SCORES = (
    "answer_accuracy", "abstention_precision", "abstention_recall", "citation_validity",
    "gold_citation_rate", "hit_rate", "mrr",
)  # fmt: skip
