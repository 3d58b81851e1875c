"""Near-duplicate paragraph removal: the linear MinHash-band pass beside the old pairwise scan.

Input: a 990 kB file of ~17,800 short distinct lines (generated, seeded), the case that took 77 s.
Run: python bench/bench_cleaning.py
"""

from __future__ import annotations

import random
import time

from rag.cleaning import drop_near_duplicates
from rag.documents import parse_article
from rag.text import content_terms

WORDS = (
    "harvest ministry talks energy tourism debt sugar port ferry boats officials season tonnes century province "
    "capital visit minister trade council river bridge market school hospital weather rain storm farmers prices"
).split()


def many_lines(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [f"Line {i}: " + " ".join(rng.choice(WORDS) for _ in range(6)) + f" number {i * 7}." for i in range(count)]


def pairwise(paragraphs: list[str]) -> int:
    """The previous quadratic scan (comparisons only), for the ratio."""
    sets = [set(content_terms(p)) for p in paragraphs]
    hits = 0
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            a, b = sets[i], sets[j]
            if min(len(a), len(b)) >= 6 and len(a & b) / min(len(a), len(b)) >= 0.8:
                hits += len(a & b) / len(a | b) >= 0.4
    return hits


def timed(label: str, work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    print(f"{label:<48} {seconds:8.2f} s")
    return seconds


def main() -> None:
    sample = many_lines(4_000)
    whole = "\n".join(many_lines(17_800))[:990_000]
    print(f"input: {len(whole):,} characters, {whole.count(chr(10)) + 1:,} lines")
    old = timed("pairwise scan, 4,000 lines", lambda: pairwise(sample))
    new = timed("MinHash bands, 4,000 lines", lambda: drop_near_duplicates(sample))
    print(f"{'ratio (pairwise / bands), 4,000 lines':<48} {old / new:8.1f} x")
    timed("MinHash bands, whole file", lambda: drop_near_duplicates(whole.split("\n")))
    timed("parse_article (all cleaning), whole file", lambda: parse_article(whole, "many-lines"))


if __name__ == "__main__":
    main()
