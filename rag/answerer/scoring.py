"""The fitted scorer: logistic models over the features, with abstention thresholds chosen on the dev split.

The weights live in `weights.json` beside this file; `python -m eval.fit` refits them from the dev split.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from rag.answerer.features import CANDIDATE_FEATURES, SENTENCE_FEATURES

WEIGHTS_PATH = Path(__file__).with_name("weights.json")


@dataclass(frozen=True)
class LogisticModel:
    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float
    threshold: float  # below this probability the answerer abstains

    def probability(self, values: dict[str, float]) -> float:
        z = self.intercept + sum(c * values.get(f, 0.0) for f, c in zip(self.features, self.coefficients, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(self.features), "coefficients": [round(c, 6) for c in self.coefficients],
            "intercept": round(self.intercept, 6), "threshold": round(self.threshold, 6),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, object], expected: tuple[str, ...]) -> LogisticModel:
        features = tuple(str(f) for f in data["features"])  # type: ignore[attr-defined]
        if features != expected:
            raise ValueError(f"weights were fit for features {features}, the code computes {expected}; refit them")
        coefficients = tuple(float(c) for c in data["coefficients"])  # type: ignore[attr-defined]
        return cls(features, coefficients, float(data["intercept"]), float(data["threshold"]))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Scorer:
    sentence: LogisticModel  # does this sentence answer the question (yes/no, descriptions, roles)
    candidate: LogisticModel  # is this entity the answer

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> Scorer:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            LogisticModel.from_dict(data["sentence"], SENTENCE_FEATURES),
            LogisticModel.from_dict(data["candidate"], CANDIDATE_FEATURES),
        )

    def save(self, path: Path = WEIGHTS_PATH) -> None:
        data = {"sentence": self.sentence.to_dict(), "candidate": self.candidate.to_dict()}
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
