"""Ingest chunks/s against the raw encoder's chunks/s on the same chunks at the same dtype, in one run.

    python bench/bench_ingest.py [--articles 200] [--quick] [--dtype auto|bf16|fp32] [--rounds 3] [--in-thread]

Ingest counts everything `rag ingest` does after start-up: reading, cleaning, chunking, embedding (in the
encoder process `rag ingest` starts, or with --in-thread on a thread of this process, as uploads do),
writing chunks and records to Chroma, updating the lexical index. The raw encoder is this process's own
model at the same dtype, alone. Each round times the encoder, then an
ingest into a new store, then the encoder again (the mean of the two is that round's reference), so drift
on a shared machine shows; this 2-core machine's encoder speed wanders by +-5-10% between runs. The
median round is the figure.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from synthetic import write_articles  # bench/ is on sys.path when run as a script

from rag.config import get_settings
from rag.embedding import SentenceTransformerEmbedder
from rag.pipeline import Pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="40 articles, one round")
    parser.add_argument("--dtype", default="auto", choices=["auto", "bf16", "fp32"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--in-thread", action="store_true", help="embed on a thread, not in an encoder process")
    args = parser.parse_args()
    count = 40 if args.quick else args.articles
    rounds = 1 if args.quick else args.rounds
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        write_articles(folder, count)
        embedder = SentenceTransformerEmbedder(dtype=args.dtype)
        embedder.embed(["warm up the model"] * 8, urgent=False)
        ratios = []
        for round_ in range(rounds):
            settings = get_settings(data_dir=Path(tmp) / f"data{round_}", embed_dtype=args.dtype)
            if args.in_thread:
                pipeline = Pipeline(settings, embedder=embedder)
            else:  # as `rag ingest` does; start-up (the process loading its model) is not timed
                pipeline = Pipeline(settings, encoder_process=True)
                pipeline.warm_up_writes()  # as `rag ingest` does before it reads an article
            # The same chunk texts the ingest will embed: split by the pipeline's own chunker.
            texts = [c.text for path in sorted(folder.iterdir()) for c in _chunks(pipeline, path)]
            before = _encoder_rate(embedder, texts)
            started = time.perf_counter()
            report = pipeline.ingest([folder])
            ingest_seconds = time.perf_counter() - started
            pipeline.close()
            after = _encoder_rate(embedder, texts)
            assert report.chunks_written == len(texts), (report.chunks_written, len(texts))
            ingest_rate = len(texts) / ingest_seconds
            encoder = (before + after) / 2
            ratios.append(ingest_rate / encoder)
            print(
                f"round {round_ + 1}: ingest {ingest_seconds:.1f} s, {ingest_rate:.1f} chunks/s; raw encoder on the "
                f"same chunks {before:.1f} before, {after:.1f} after (mean {encoder:.1f}); ratio {ratios[-1]:.2f}x"
            )
    where = "on a thread" if args.in_thread else "in an encoder process"
    print(f"dtype {embedder.dtype}; {count} articles, {len(texts)} chunks, {rounds} rounds; ingest embedded {where}")
    print(
        f"ingest / encoder: median {statistics.median(ratios):.2f}x (rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
    )


def _chunks(pipeline: Pipeline, path: Path) -> list:  # type: ignore[type-arg]
    from rag.documents import load_file
    from rag.ingest import content_hash

    article = load_file(path, path.stem)
    return pipeline._ingestor.split(article, content_hash(article))


def _encoder_rate(embedder: SentenceTransformerEmbedder, texts: list[str]) -> float:
    started = time.perf_counter()
    embedder.embed(texts, urgent=False)
    return len(texts) / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
