"""The eval's splits: the seed questions on corpus/, and dev / test questions on eval/articles/."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from eval.dataset import DEFAULT_SET, EvalItem, load_eval_set
from rag.errors import InvalidInputError

EVAL_DIR = Path(__file__).parent
ARTICLES_DIR = EVAL_DIR / "articles"
Split = Literal["seed", "dev", "test"]
SPLITS: tuple[Split, ...] = ("seed", "dev", "test")


def split_files(split: Split) -> list[Path]:
    if split == "seed":
        return [DEFAULT_SET]
    return sorted((EVAL_DIR / split).glob("*.yaml"))


def load_split(split: Split) -> list[EvalItem]:
    """Every question of a split; ids must be unique across its files."""
    items: list[EvalItem] = []
    for path in split_files(split):
        items.extend(load_eval_set(path))
    ids = [item.id for item in items]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InvalidInputError(f"split {split}: duplicate ids {duplicates}")
    return items


def eval_corpus(corpus_dir: Path) -> list[Path]:
    """What the eval ingests: the service's corpus and every eval article, so each split's questions
    are asked against all of them (the other articles are distractors)."""
    return [p for p in (corpus_dir, ARTICLES_DIR) if p.exists()]
