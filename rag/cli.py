"""The `rag` command: ingest / ask / delete / documents / serve / eval."""

from __future__ import annotations

import ipaddress
import itertools
import json
import logging
import sys
from collections.abc import Callable
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
_HELD_LOCKS: list[Any] = []


def _pipeline(settings: Settings | None = None, *, encoder_process: bool = False) -> Any:
    from rag.pipeline import Pipeline

    return Pipeline(settings or get_settings(), encoder_process=encoder_process)


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
    as_json: Annotated[bool, typer.Option("--json", help="Write the counts as JSON.")] = False,
    server: Annotated[
        str | None, typer.Option(help="Send the files to this running `rag serve` (e.g. http://127.0.0.1:8000).")
    ] = None,
) -> None:
    """Add new and changed articles; unchanged ones are skipped."""
    settings = get_settings()
    roots = paths or [settings.corpus_dir]
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        _fail(f"no such file or folder: {', '.join(missing)}")
    with Progress(
        TextColumn("{task.description}"), BarColumn(), ChunkRateColumn(), console=stderr, disable=as_json
    ) as bar:
        task = bar.add_task("ingesting", total=None, documents=0)
        done = itertools.count(1)

        def advance(doc_id: str, chunks: int = 0) -> None:
            bar.update(task, advance=chunks, description=doc_id, documents=next(done))

        if server:
            report = _ingest_via_server(server, roots, prune, settings, advance)
        else:
            _own_data_folder(settings, "ingest")
            # A bulk ingest embeds in a process of its own, which loads while the store and indexes open.
            pipeline = _pipeline(settings, encoder_process=True)
            try:
                pipeline.warm_up_writes()
                report = pipeline.ingest(roots, prune=prune, progress=advance)
            finally:
                pipeline.close()
    if as_json:
        print(json.dumps(report.to_dict()))
    else:
        print(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in report.to_dict().items()))


def _ingest_via_server(
    server: str, roots: list[Path], prune: bool, settings: Settings, progress: Callable[[str], None]
) -> Any:
    from rag.remote import check_server_url, ingest_via_server

    if prune:
        _fail("--prune works on a local data folder only, not with --server")
    check_server_url(server)
    return ingest_via_server(server, roots, settings.api_key, progress)


def _own_data_folder(settings: Settings, command: str, url: str | None = None) -> None:
    """Writers of an embedded store hold its folder's lock until they exit (a Chroma server needs none)."""
    if settings.chroma_url:
        return
    from rag.ownership import DataFolderLock

    lock = DataFolderLock(settings.data_dir)
    lock.acquire(command, url)
    _HELD_LOCKS.append(lock)  # kept referenced: the lock lasts until the process exits


def _stored_pipeline(settings: Settings) -> Any:
    """The pipeline over an existing store; a missing or empty embedded folder is an error, not a new folder."""
    folder = settings.data_dir.resolve()
    hint = f"no articles are stored in the data folder {folder} (RAG_DATA_DIR); run `rag ingest` or cd to the project"
    if not settings.chroma_url and not settings.data_dir.is_dir():
        _fail(hint)
    pipeline = _pipeline(settings)
    if not settings.chroma_url and pipeline.counts()[0] == 0:
        _fail(hint)
    return pipeline


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    as_json: Annotated[bool, typer.Option("--json", help="Write the answer object as JSON.")] = False,
    top_k: Annotated[int | None, typer.Option(help="Passages to consider (1-20).")] = None,
    answerer: Annotated[str | None, typer.Option(help="extractive or llm (default RAG_ANSWERER).")] = None,
) -> None:
    """Answer a question from the stored articles, with quotes."""
    from rag.pipeline import check_answerer, check_question

    settings = get_settings()
    check_question(question, settings.max_question_chars)
    check_answerer(answerer, settings)
    answer = _stored_pipeline(settings).ask(question, top_k=top_k, answerer=answerer)
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_answer(answer))


def format_answer(answer: Answer) -> str:
    lines = [answer.answer]
    if answer.fallback_reason:
        lines.append(f"(extractive answer: the LLM's was not shown because {answer.fallback_reason})")
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
    settings = get_settings()
    if not settings.chroma_url and not settings.data_dir.is_dir():
        _fail(f"no document with id {doc_id!r}: the data folder {settings.data_dir.resolve()} does not exist")
    _own_data_folder(settings, "delete")
    _pipeline(settings).delete(doc_id)
    print(f"deleted {doc_id}")


@app.command()
def documents(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the stored documents."""
    settings = get_settings()
    records = _pipeline(settings).documents() if settings.chroma_url or settings.data_dir.is_dir() else []
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
    port: Annotated[int, typer.Option(help="TCP port to listen on.")] = 8000,
    ingest_corpus: Annotated[bool, typer.Option("--ingest/--no-ingest", help="Ingest RAG_CORPUS_DIR first.")] = True,
) -> None:
    """Start the HTTP API and the chat page (the port opens at once; /readyz says when it can answer)."""
    import uvicorn

    from api.app import create_app

    settings = get_settings()
    if settings.answerer == "llm" and not settings.llm_url:
        _fail("RAG_ANSWERER=llm needs RAG_LLM_URL, the base URL of an OpenAI-compatible server")
    if not is_loopback(host) and not settings.api_key:
        _fail(
            f"--host {host} makes the service reachable from other machines; set RAG_API_KEY so that only "
            "holders of the key can add or delete documents (or listen on 127.0.0.1)"
        )
    url = f"http://{host}:{port}"
    _own_data_folder(settings, "serve", url)
    for name in ("api", "rag"):
        logging.getLogger(name).setLevel(logging.INFO)
    app_ = create_app(settings=settings, ingest_corpus=ingest_corpus, announce=url)
    uvicorn.run(app_, host=host, port=port, log_level="info")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command("eval")
def run_eval(
    split: Annotated[str | None, typer.Option(help="seed, dev, test or all (default).")] = None,
    set_path: Annotated[Path | None, typer.Option("--set", help="Another eval set (YAML) instead.")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the full report here.")] = None,
    retriever: Annotated[
        str | None, typer.Option(help="dense, bm25, hybrid (default) or all (a row each, gated on hybrid).")
    ] = None,
    thresholds: Annotated[Path | None, typer.Option(help="Thresholds file.")] = None,
    answerer: Annotated[
        str | None, typer.Option(help="llm adds a row answered by RAG_LLM_URL's model (verified, not gated).")
    ] = None,
) -> None:
    """Run the eval splits through the pipeline; exit 1 when a score is below its threshold."""
    from eval.runner import run_cli

    code = run_cli(set_path, json_path, retriever, thresholds, console=Console(), split=split, answerer=answerer)
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
