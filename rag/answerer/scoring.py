"""The fitted scorer. Sentences: a linear model fit listwise (the answering sentence of each question first), scaled
to the probability that the sentence answers the question. Candidates: a linear ranker fit listwise (a conditional
logit over each question's candidates), then a logistic confidence of the ranked candidate, below whose threshold
the reader abstains.

The weights live in `weights.json` beside this file; `python -m eval.fit` refits them on the dev split.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from rag.answerer.features import CANDIDATE_FEATURES, CONFIDENCE_FEATURES, SENTENCE_FEATURES

WEIGHTS_PATH = Path(__file__).with_name("weights.json")


@dataclass(frozen=True)
class LinearModel:
    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float = 0.0
    threshold: float = 0.5  # for a probability: below it the reader abstains

    def score(self, values: dict[str, float]) -> float:
        pairs = zip(self.features, self.coefficients, strict=True)
        return self.intercept + sum(c * values.get(f, 0.0) for f, c in pairs)

    def probability(self, values: dict[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, self.score(values)))))

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(self.features), "coefficients": [round(c, 6) for c in self.coefficients],
            "intercept": round(self.intercept, 6), "threshold": round(self.threshold, 6),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, object], expected: tuple[str, ...], lenient: bool = False) -> LinearModel:
        """lenient: a feature the weights do not know weighs nothing (a starting point for a refit)."""
        features = tuple(str(f) for f in data["features"])  # type: ignore[attr-defined]
        if features != expected and not lenient:
            raise ValueError(f"weights were fit for features {features}, the code computes {expected}; refit them")
        known = dict(zip(features, (float(c) for c in data["coefficients"]), strict=True))  # type: ignore[attr-defined]
        coefficients = tuple(known.get(name, 0.0) for name in expected)
        return cls(expected, coefficients, float(data["intercept"]), float(data["threshold"]))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Scorer:
    sentence: LinearModel  # does this sentence answer the question (yes/no, descriptions, roles)
    ranker: LinearModel  # orders a question's candidates
    confidence: LinearModel  # is the ranked candidate right

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH, lenient: bool = False) -> Scorer:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            LinearModel.from_dict(data["sentence"], SENTENCE_FEATURES, lenient),
            LinearModel.from_dict(data["ranker"], CANDIDATE_FEATURES, lenient),
            LinearModel.from_dict(data["confidence"], CONFIDENCE_FEATURES, lenient),
        )

    def save(self, path: Path = WEIGHTS_PATH) -> None:
        data = {name: getattr(self, name).to_dict() for name in ("sentence", "ranker", "confidence")}
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
