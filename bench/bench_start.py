"""Ready time of `rag serve --no-ingest` on a kept store, and the /ask latency right after it; several source
trees run alternately on the same store, so that before and after meet the same page cache and load.

    python bench/bench_start.py DATA_DIR [--tree PATH ...] [--runs 3] [--questions 20]

DATA_DIR is a filled store, e.g. /tmp/stores/100000/data from `bench_scale.py --keep /tmp/stores`. Each --tree
is a checkout whose code is run (`git worktree add --detach /tmp/wt-base main` for main); the installed code
when none is given. For each run: seconds until /readyz said 200; the first /ask, sent as soon as it did
(it waits for what the answerer loads after ready); /ask p50 and p95 over the next questions, which meet the
warm-up of the writers' model (imports that hold the GIL); and, --settle seconds later, p50 and p95 again.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import httpx
from serving import rag_serve  # bench/ is on sys.path when run as a script

from eval.dataset import DEFAULT_SET, load_eval_set
from eval.scoring import percentile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--tree", type=Path, action="append", help="a checkout to run; repeat to compare")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--settle", type=float, default=20.0, help="seconds before the questions are asked again")
    args = parser.parse_args()
    trees: list[Path | None] = list(args.tree or [None])
    questions = [item.question for item in load_eval_set(DEFAULT_SET)][: args.questions]
    results: dict[str, list[tuple[float, ...]]] = {str(t or "installed"): [] for t in trees}
    for run in range(args.runs):
        for tree in trees:
            name = str(tree or "installed")
            figures = _measure(args.data_dir, tree, questions, args.settle, Path(f"/tmp/bench-start-{run}.log"))
            results[name].append(figures)
            print(f"run {run + 1} {name}: ready {figures[0]:.2f} s, first /ask {figures[1]:.0f} ms, /ask p50 / p95 "
                  f"{figures[2]:.0f} / {figures[3]:.0f} ms at once, {figures[4]:.0f} / {figures[5]:.0f} ms "
                  f"{args.settle:.0f} s later", flush=True)  # fmt: skip
    for name, rows in results.items():
        ready = sorted(row[0] for row in rows)
        print(f"{name}: ready median {statistics.median(ready):.2f} s (min {ready[0]:.2f}, max {ready[-1]:.2f}); "
              f"first /ask median {statistics.median(r[1] for r in rows):.0f} ms; "
              f"/ask p50 median {statistics.median(r[2] for r in rows):.0f} ms at once, "
              f"{statistics.median(r[4] for r in rows):.0f} ms later")  # fmt: skip


def _measure(data: Path, tree: Path | None, questions: list[str], settle: float, log: Path) -> tuple[float, ...]:
    with rag_serve(data, log, tree=tree) as (base, _process, ready), httpx.Client(base_url=base, timeout=120) as client:
        first = _ask(client, questions[0])
        at_once = sorted(_ask(client, q) for q in questions)
        time.sleep(settle)
        later = sorted(_ask(client, q) for q in questions)
    return (ready, first, statistics.median(at_once), percentile(at_once, 95), statistics.median(later),
            percentile(later, 95))  # fmt: skip


def _ask(client: httpx.Client, question: str) -> float:
    started = time.perf_counter()
    client.post("/ask", json={"question": question}).raise_for_status()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
