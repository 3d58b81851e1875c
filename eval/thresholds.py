"""The gate's thresholds: a minimum per gated score, per split (or one mapping for every split)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from eval.dataset import GATED_SCORES
from rag.errors import InvalidInputError


def load_thresholds(path: Path, splits: list[str]) -> dict[str, dict[str, float]]:
    """{split: {score: minimum}}; every name must be a gated score, every value within 0..1."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInputError(f"cannot read the thresholds {path}: {exc}") from None
    raw = data.get("thresholds") if isinstance(data, dict) else None
    if not isinstance(raw, dict) or not raw:
        raise InvalidInputError(f"{path}: expected a 'thresholds:' mapping of score names to minimums")
    if all(isinstance(value, dict) for value in raw.values()):
        return {split: _scores(path, f"{split}.", raw.get(split) or {}) for split in splits}
    flat = _scores(path, "", raw)
    return dict.fromkeys(splits, flat)


def _scores(path: Path, where: str, raw: dict[Any, Any]) -> dict[str, float]:
    thresholds = {}
    for name, value in raw.items():
        if name not in GATED_SCORES:
            raise InvalidInputError(f"{path}: unknown score {where}{name!r}; known: {', '.join(GATED_SCORES)}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise InvalidInputError(f"{path}: {where}{name} must be a number between 0 and 1, got {value!r}")
        thresholds[str(name)] = float(value)
    return thresholds
