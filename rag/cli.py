"""Command line: ``rag parse | ingest | remove | ask | serve | eval``.

Errors print a message on stderr and exit non-zero; nothing already ingested is
touched by a failed command.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rag.errors import RagError
from rag.log import configure_logging
from rag.settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Question answering over Danish meeting minutes, cited by meeting and agenda item.",
)
err = Console(stderr=True)
out = Console()
logger = logging.getLogger(__name__)

IndexDirOpt = Annotated[
    Path | None, typer.Option("--index-dir", help="Index folder (default: RAG_INDEX__DIR or ./index).")
]


def _settings(index_dir: Path | None = None, **generator: Any) -> Settings:
    overrides: dict[str, Any] = {}
    base = Settings()
    if index_dir is not None:
        overrides["index"] = base.index.model_copy(update={"dir": index_dir})
    gen = {k: v for k, v in generator.items() if v is not None}
    if gen:
        overrides["generator"] = base.generator.model_copy(update=gen)
    settings = base.model_copy(update=overrides) if overrides else base
    configure_logging(settings.log_level)
    return settings


def _fail(exc: Exception, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {exc}")
    raise typer.Exit(code)


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="A minutes file (txt, PDF, DOCX, HTML).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the parsed meeting as JSON.")] = False,
) -> None:
    """Parse one file into meeting metadata and agenda items (no index needed)."""
    from rag.ingest import load_document
    from rag.parse import format_outline, meeting_to_dict, parse_minutes

    settings = _settings()
    try:
        doc = load_document(file)
        meeting = parse_minutes(doc.text, doc.path, settings.parse)
    except RagError as exc:
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(json.dumps(meeting_to_dict(meeting), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_outline(meeting) + "\n")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of minutes.")],
    index_dir: IndexDirOpt = None,
    prune: Annotated[bool, typer.Option("--prune", help="Drop indexed documents not among PATHS.")] = False,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Ignore the existing index (e.g. after changing embedder).")
    ] = False,
) -> None:
    """Add or update minutes in the index; unchanged files are not re-embedded."""
    from rag.pipeline import Pipeline

    settings = _settings(index_dir)
    missing = [p for p in paths if not p.exists()]
    if missing:
        _fail(FileNotFoundError(f"no such file or folder: {', '.join(map(str, missing))}"))
    try:
        pipeline = Pipeline(settings)
        with Progress(TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as bar:
            task = bar.add_task("embed", total=None)
            report = pipeline.ingest(
                paths, prune=prune, rebuild=rebuild,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except RagError as exc:
        _fail(exc)
        return
    b = report.build
    out.print(
        f"files: {report.files}  meetings: {report.meetings}  items: {report.items}  "
        f"unchanged: {report.unchanged}  skipped: {len(report.skipped)}"
    )
    if b is None:
        out.print(f"index in {settings.index.dir} is up to date (nothing changed)")
    if b is not None:
        out.print(
            f"index: {b.n_chunks} chunks from {b.n_meetings} meetings in {settings.index.dir} "
            f"(added {b.files_added}, updated {b.files_updated}, unchanged {b.files_unchanged}, "
            f"removed {b.files_removed}; embedded {b.chunks_embedded}, reused {b.chunks_reused}; "
            f"{b.seconds:.1f} s)"
        )
    for path, reason in report.skipped:
        err.print(f"[yellow]skipped[/yellow] {path}: {reason}")
    for file, warning in report.warnings:
        err.print(f"[yellow]warning[/yellow] {file}: {warning}")


@app.command()
def remove(
    files: Annotated[list[str], typer.Argument(help="File names (as listed by the index) to drop.")],
    index_dir: IndexDirOpt = None,
) -> None:
    """Remove documents from the index."""
    from rag.pipeline import Pipeline

    try:
        b = Pipeline(_settings(index_dir)).remove(files)
    except RagError as exc:
        _fail(exc)
        return
    out.print(f"removed {b.files_removed} file(s); {b.n_chunks} chunks remain")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question in Danish.")],
    index_dir: IndexDirOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON response.")] = False,
    cluster: Annotated[str | None, typer.Option(help="Only this cluster's minutes.")] = None,
    top_k: Annotated[int | None, typer.Option("--top-k", help="Agenda items to retrieve.")] = None,
) -> None:
    """Answer a question from the indexed minutes, with citations."""
    from rag.pipeline import Filters, Pipeline
    from rag.serialize import answer_to_dict

    try:
        answer = Pipeline(_settings(index_dir)).ask(question, Filters(cluster=cluster), top_k)
    except RagError as exc:
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(json.dumps(answer_to_dict(answer), ensure_ascii=False, indent=2) + "\n")
        return
    out.print(answer.answer, markup=False, highlight=False)
    if answer.citations:
        out.print()
        for n, c in enumerate(answer.citations, start=1):
            out.print(f"[{n}] {c.file} · {c.date} · {c.cluster} · punkt {c.item} «{c.title}»",
                      markup=False, highlight=False)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default RAG_API__HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default RAG_API__PORT).")] = None,
    index_dir: IndexDirOpt = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Server processes, each with its own index copy (default RAG_API__WORKERS)."),
    ] = None,
) -> None:
    """Run the HTTP API and chat widget."""
    import os

    import uvicorn

    from api.app import create_app
    from rag.log import uvicorn_log_config

    settings = _settings(index_dir)
    n = workers or settings.api.workers
    common: dict[str, Any] = {"host": host or settings.api.host, "port": port or settings.api.port,
                              "log_level": settings.log_level.lower(), "log_config": uvicorn_log_config()}
    if n == 1:
        uvicorn.run(create_app(settings), **common)
        return
    # Worker processes build their own app from the environment: pass the CLI's override there.
    os.environ["RAG_INDEX__DIR"] = str(settings.index.dir)
    uvicorn.run("api.app:app_from_env", factory=True, workers=n, **common)


@app.command(name="eval")
def eval_cmd(
    questions: Annotated[Path, typer.Option(help="Gold questions (JSONL).")] = Path("eval/questions.jsonl"),
    minutes: Annotated[Path, typer.Option(help="Minutes the gold refers to.")] = Path("data/minutes"),
    index_dir: IndexDirOpt = None,
    compare: Annotated[
        str | None, typer.Option(help="Also run a reference pipeline: 'naive' (LangChain splitter + FAISS).")
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Where results go.")] = Path("eval/results"),
    baseline: Annotated[Path, typer.Option(help="Summary to diff against.")] = Path("eval/baseline.json"),
    backend: Annotated[str | None, typer.Option(help="Answer backend (RAG_GENERATOR__BACKEND).")] = None,
    model: Annotated[str | None, typer.Option(help="LLM model / GGUF path (RAG_GENERATOR__MODEL).")] = None,
) -> None:
    """Run the pipeline over a gold question set and write metrics, rows and plots."""
    from eval.harness import run_eval

    settings = _settings(index_dir, backend=backend, model=model)
    try:
        run_eval(settings, questions=questions, minutes=minutes, out_dir=out_dir, baseline=baseline,
                 compare=compare, console=out)
    except RagError as exc:
        _fail(exc)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except RagError as exc:  # pragma: no cover - commands handle their own
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(1)
