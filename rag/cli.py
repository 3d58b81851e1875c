"""The `rag` command: ingest / ask / delete / documents / serve / eval."""

from __future__ import annotations

import itertools
import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn
from rich.text import Text

from rag.config import Settings, get_settings
from rag.errors import RagError
from rag.models import Answer

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Ask questions of news articles; every answer quotes its source."
)
stderr = Console(stderr=True, soft_wrap=True)


def _pipeline(settings: Settings | None = None) -> Any:
    from rag.pipeline import Pipeline

    return Pipeline(settings or get_settings())


def _fail(message: str) -> None:
    stderr.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    raise typer.Exit(code=2)


class ChunkRateColumn(ProgressColumn):
    """Documents done, chunks written and chunks per second."""

    def render(self, task: Task) -> Text:
        rate = f"{task.speed:.1f}" if task.speed else "-"
        return Text(f"{task.fields.get('documents', 0)} documents, {task.completed:.0f} chunks, {rate} chunks/s")


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders; default: RAG_CORPUS_DIR.")] = None,
    prune: Annotated[bool, typer.Option(help="Remove documents whose files are gone.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Add new and changed articles; unchanged ones are skipped."""
    settings = get_settings()
    roots = paths or [settings.corpus_dir]
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        _fail(f"no such file or folder: {', '.join(missing)}")
    pipeline = _pipeline(settings)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), ChunkRateColumn(), console=stderr, disable=as_json
    ) as bar:
        task = bar.add_task("ingesting", total=None, documents=0)
        done = itertools.count(1)

        def advance(doc_id: str, chunks: int) -> None:
            bar.update(task, advance=chunks, description=doc_id, documents=next(done))

        report = pipeline.ingest(roots, prune=prune, progress=advance)
    if as_json:
        print(json.dumps(report.to_dict()))
    else:
        print(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in report.to_dict().items()))


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer object as JSON.")] = False,
    top_k: Annotated[int | None, typer.Option(help="Passages to consider (1-20).")] = None,
) -> None:
    """Answer a question from the stored articles, with quotes."""
    from rag.pipeline import check_question

    settings = get_settings()
    check_question(question, settings.max_question_chars)
    pipeline = _pipeline(settings)
    answer = pipeline.ask(question, top_k=top_k)
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_answer(answer))


def format_answer(answer: Answer) -> str:
    lines = [answer.answer]
    if not answer.answered and answer.citations:
        lines.append("Closest passages (they do not support an answer):")
    for c in answer.citations:
        lines.append(f"  [{c.ref}] \u201c{c.quote}\u201d")
        origin = f"{c.title} ({c.source or 'unknown source'}, {c.date or 'undated'})"
        lines.append(f"      \u2014 {origin}, chars {c.start}\u2013{c.end}")
    return "\n".join(lines)


@app.command()
def delete(doc_id: Annotated[str, typer.Argument(help="The document id (see `rag documents`).")]) -> None:
    """Remove one document and its passages."""
    _pipeline().delete(doc_id)
    print(f"deleted {doc_id}")


@app.command()
def documents(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the stored documents."""
    records = _pipeline().documents()
    if as_json:
        rows = [
            {"doc_id": r.doc_id, "title": r.title, "date": r.date, "source": r.source, "chunks": r.chunks}
            for r in records
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in records:
        print(f"{r.doc_id}\t{r.date or '-'}\t{r.chunks} chunks\t{r.title}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    ingest_corpus: Annotated[bool, typer.Option("--ingest/--no-ingest", help="Ingest RAG_CORPUS_DIR first.")] = True,
) -> None:
    """Start the HTTP API and the chat page."""
    import uvicorn

    from api.app import create_app

    settings = get_settings()
    app_ = create_app(settings=settings, ingest_corpus=ingest_corpus)
    uvicorn.run(app_, host=host, port=port, log_level="info")


@app.command("eval")
def run_eval(
    set_path: Annotated[Path | None, typer.Option("--set", help="The eval set (YAML).")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the full report here.")] = None,
    retriever: Annotated[
        str | None, typer.Option(help="dense, bm25 or hybrid; default: all three, gated on hybrid.")
    ] = None,
    thresholds: Annotated[Path | None, typer.Option(help="Thresholds file.")] = None,
) -> None:
    """Run the eval set through the pipeline; exit 1 when a score is below its threshold."""
    from eval.runner import run_cli

    code = run_cli(set_path, json_path, retriever, thresholds, console=Console())
    raise typer.Exit(code=code)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except RagError as exc:
        stderr.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
