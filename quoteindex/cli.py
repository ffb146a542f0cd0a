"""The `quoteindex` command: a thin Typer layer over the library.

Conventions of sqlite-utils and Datasette: the database comes first for every command
that uses one (`quoteindex extract quotes.db articles/`, `quoteindex serve quotes.db`).
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import os
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from typer.core import TyperCommand, TyperGroup

from .errors import QuoteindexError
from .export import MIN_CONFIDENCE


def _arg_label(param) -> str:
    return param.metavar or param.name.upper() + ("..." if param.nargs != 1 else "")


def _usage_pieces(param, ctx) -> list[str]:
    label = _arg_label(param)
    return [label if param.required or label.startswith("[") else f"[{label}]"]


class _PlainHelp:
    """Help as sqlite-utils and Datasette print it: `Usage: quoteindex extract [OPTIONS] DB INPUT...`,
    arguments and options by their metavar, no type labels (`<path>`, `<list[Path]>`, `--help <bool>`)."""

    def get_params(self, ctx) -> list:
        params = super().get_params(ctx)
        for param in params:  # also used for a parent's arguments in a subcommand's usage line
            if param.param_type_name == "argument":
                param.get_usage_pieces = functools.partial(_usage_pieces, param)
        return params

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces += param.get_usage_pieces(ctx)
        return pieces

    def format_options(self, ctx, formatter) -> None:
        args, opts = [], []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                if not param.hidden:
                    args.append((_arg_label(param), param.help or ""))
            else:
                record = param.get_help_record(ctx)
                if record:
                    opts.append(record)
        for title, rows in (("Arguments", args), ("Options", opts)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class Command(_PlainHelp, TyperCommand):
    pass


class Group(_PlainHelp, TyperGroup):
    def collect_usage_pieces(self, ctx) -> list[str]:
        return super().collect_usage_pieces(ctx) + [self.subcommand_metavar]

    def format_options(self, ctx, formatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)


def _typer(**kw) -> typer.Typer:
    return typer.Typer(cls=Group, rich_markup_mode=None, **kw)


app = _typer(help="Find who said what in the news.", no_args_is_help=True, add_completion=True)
models_app = _typer(help="Show or evaluate the Stanza model set.", invoke_without_command=True,
                    subcommand_metavar="[COMMAND]")
app.add_typer(models_app, name="models")
err = Console(stderr=True)
command = functools.partial(app.command, cls=Command)

MODELS_HELP = ("Model set: 'bundled', 'official' (Stanza's own, if downloaded) or a directory "
               "[default: $QUOTEINDEX_MODELS, else bundled].")
DB_HELP = "Database made by `quoteindex extract`."
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".sqlitedb")


def _version(value: bool) -> None:
    if value:
        try:
            version = importlib.metadata.version("quoteindex")
        except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
            from . import __version__ as version
        typer.echo(f"quoteindex {version}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="Show Stanza's and torch's log lines and warnings (hidden by default)."),
) -> None:
    """Find who said what in the news."""
    from .models import set_verbose

    set_verbose(verbose)


@contextmanager
def reported() -> Iterator[None]:
    """Turn a library error into a one-line message and exit code 1."""
    try:
        yield
    except QuoteindexError as exc:
        _fail(str(exc))
    except BrokenPipeError:  # `quoteindex export DB | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        raise typer.Exit(0) from None
    except OSError as exc:  # a path the library did not foresee (permissions, a full disk): still one line
        _fail(f"{exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}")
    except sqlite3.DatabaseError as exc:
        _fail(f"database error ({exc}); is it a quoteindex database?")
    except click.ClickException as exc:  # Datasette's own option parsing (`serve` passes options through)
        _fail(f"datasette: {exc.format_message()}")


def _fail(message: str) -> None:
    err.print(f"[red]Error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _extract(inputs: list[Path], db: Path, models: Optional[str], batch_size: int, quiet: bool = False,
             workers: Optional[int] = None, scheduler: Optional[str] = None):
    from . import extract as extract_mod
    from .ingest import iter_files

    extract_mod.check_inputs(inputs)  # before the progress display: a typo gets one line and nothing else
    files = [f[0] for f in iter_files(inputs) if isinstance(f, tuple)]
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=False, disable=quiet) as progress:
        # one step per file for .txt/.html; row files (.jsonl/.csv) make the total open-ended
        single = all(f.suffix.lower() not in (".jsonl", ".csv") for f in files)
        task = progress.add_task("extracting", total=len(files) if single else None)

        def on_event(kind: str, payload) -> None:
            if kind == "error":
                progress.console.print(f"[yellow]not read[/yellow] {payload}", highlight=False, soft_wrap=True)
                if single:
                    progress.advance(task)
                return
            if kind == "note":
                progress.console.print(f"[cyan]note[/cyan] {payload}", highlight=False, soft_wrap=True)
                return
            doc = payload[0] if kind == "done" else payload
            progress.update(task, description=f"{doc.id[:40]}", advance=1)

        progress.update(task, description=f"reading {len(files)} files")
        if workers is None:
            from .workers import default_workers
            workers = default_workers()
        summary = extract_mod.run(inputs, db, models=models, batch_size=batch_size, workers=workers,
                                  scheduler=scheduler, on_event=on_event)
    err.print(summary_line(summary, db), highlight=False, soft_wrap=True)
    return summary


def summary_line(summary, db: Path) -> str:
    """One line that accounts for every input: extracted, unchanged, or not read and why."""
    parts = [f"{summary.documents} documents extracted", f"{summary.skipped} unchanged"]
    not_read = summary.not_read()
    if not_read:
        why = ", ".join(f"{n} {'unsupported type' if kind == 'unsupported' else kind}"
                        for kind, n in sorted(not_read.items(), key=lambda kv: (-kv[1], kv[0])))
        parts.append(f"{sum(not_read.values())} not read ({why})")
    if not summary.db_written:
        return ", ".join(parts) + f"; nothing to store, {db} not created ({summary.seconds:.1f}s)"
    parts += [f"{summary.quotes} quotes", f"{summary.speakers} speakers"]
    return ", ".join(parts) + f" in {db} ({summary.seconds:.1f}s)"


def looks_like_database(path: Path) -> bool:
    """The rule `extract` uses to tell its database from its inputs: a name ending in .db, .sqlite,
    .sqlite3 or .sqlitedb, or an existing SQLite file whatever its name."""
    if path.suffix.lower() in SQLITE_SUFFIXES:
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def database_and_inputs(paths: list[Path], db_option: Optional[Path]) -> tuple[Path, list[Path], Optional[str]]:
    """(database, inputs, deprecation notice) from `extract`'s arguments.

    `extract DB INPUT...` when the first argument looks like a database (see `looks_like_database`);
    the old forms `extract INPUT... --db DB` and `extract INPUT...` (quotes.db) still work, with a notice.
    """
    if db_option is not None:
        return db_option, paths, (f"--db is deprecated: put the database first, "
                                  f"`quoteindex extract {db_option} INPUT...`")
    if looks_like_database(paths[0]):
        if len(paths) == 1:
            _fail(f"no inputs given; `quoteindex extract {paths[0]} INPUT...` reads INPUT (files, folders, - for "
                  "standard input) into it")
        return paths[0], paths[1:], None
    return Path("quotes.db"), paths, ("no database given, writing quotes.db; give it first, "
                                      "`quoteindex extract quotes.db INPUT...` (the database is the first argument "
                                      f"when its name ends in {', '.join(SQLITE_SUFFIXES)} or it is a SQLite file)")


@command()
def extract(
    paths: List[Path] = typer.Argument(
        ..., metavar="DB INPUT...",
        help="The SQLite database to write (created if missing; named *.db, *.sqlite, *.sqlite3 or an existing "
             "SQLite file), then .txt, .html, .jsonl or .csv files or folders of them; - reads one article from "
             "standard input."),
    db_option: Optional[Path] = typer.Option(None, "--db", metavar="DB", hidden=True),
    models: Optional[str] = typer.Option(None, "--models", metavar="SET", help=MODELS_HELP),
    batch_size: int = typer.Option(8, "--batch-size", metavar="N", help="Documents per Stanza call."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 if any input was not read."),
    workers: Optional[int] = typer.Option(
        None, "--workers", min=1, metavar="N",
        help="Processes running Stanza, one torch thread each (default: QUOTEINDEX_WORKERS, else the number of cores)."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", metavar="ADDRESS",
        help="Run Stanza on a Dask cluster instead: the scheduler's address, tcp://HOST:8786."),
) -> None:
    """Extract quotations and speakers from articles into a database."""
    db, inputs, notice = database_and_inputs(paths, db_option)
    if notice:
        err.print(f"[yellow]note[/yellow] {notice}", highlight=False, soft_wrap=True)
    with reported():
        summary = _extract(inputs, db, models, batch_size, workers=workers, scheduler=scheduler)
    if strict and summary.errors:
        raise typer.Exit(1)


PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True}


@command(context_settings=PASS_THROUGH)
def serve(
    ctx: typer.Context,
    db: Path = typer.Argument(..., metavar="DB", help=DB_HELP),
    host: str = typer.Option("127.0.0.1", "-h", "--host", metavar="HOST",
                             help="Address to bind; 0.0.0.0 makes it public."),
    port: int = typer.Option(8001, "-p", "--port", metavar="PORT", help="Port to serve on."),
    open_browser: bool = typer.Option(False, "--open", help="Open the home page in a web browser."),
) -> None:
    """Browse and search the database in Datasette.

    Options quoteindex does not know go to `datasette serve` as they are, e.g.
    `quoteindex serve quotes.db --setting sql_time_limit_ms 3000 --cors`.
    """
    from . import serve as serve_mod
    from . import store

    with reported():
        store.open_existing(db).conn.close()  # missing, not SQLite, not ours: one line, before Datasette starts
        serve_mod.serve(db, host, port, open_browser=open_browser, extra=ctx.args)


def _db_file(db: Path) -> None:
    if db.is_dir():
        _fail(f"{db} is a directory, not a database file")
    if not db.is_file():
        _fail(f"{db} does not exist; create it with `quoteindex extract {db} INPUT`")


def _output_file(output: Path) -> None:
    """Refuse an output path that cannot be written before any work is done."""
    if output.is_dir():
        _fail(f"{output} is a directory; give a file name, e.g. -o {output / 'quotes.csv'}")
    if not output.parent.is_dir():
        _fail(f"{output.parent} does not exist; create the folder first (mkdir -p {output.parent})")


@command()
def export(
    db: Path = typer.Argument(..., metavar="DB", help=DB_HELP),
    speaker: Optional[List[str]] = typer.Option(
        None, "--speaker", metavar="NAME", help="Any form of a speaker's name (alias, surname, with or without accents); repeat for several."),
    since: Optional[str] = typer.Option(None, "--since", metavar="DATE", help="Only articles published on or after this date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", metavar="DATE", help="Only articles published on or before this date (YYYY-MM-DD)."),
    kind: Optional[List[str]] = typer.Option(None, "--kind", metavar="KIND", help="direct, indirect or mixed; repeat for several."),
    format: str = typer.Option("csv", "--format", "-f", metavar="FORMAT", help="csv or jsonl."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="FILE", help="File to write (default: standard output)."),
    min_confidence: float = typer.Option(
        MIN_CONFIDENCE, "--min-confidence", metavar="C",
        help="Leave out quotes below this confidence (titles, scare quotes); 0 exports everything."),
) -> None:
    """Export quotes, all or some speakers', by publication date, as CSV or JSON lines."""
    from . import export as export_mod

    if format not in ("csv", "jsonl"):
        err.print(f"[red]Error:[/red] unknown format {format!r}; use csv or jsonl")
        raise typer.Exit(1)
    _db_file(db)
    if output:
        _output_file(output)
    with reported():
        rows = list(export_mod.records(db, speaker or None, min_confidence=min_confidence, since=since,
                                       until=until, kinds=kind or ()))
        if output:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                n = export_mod.write(rows, fh, format)
            err.print(f"{n} quotes written to {output}")
        else:
            export_mod.write(rows, sys.stdout, format)


speakers_app = _typer(help="List, show and correct speakers: quoteindex speakers DB COMMAND ...",
                      no_args_is_help=True)
app.add_typer(speakers_app, name="speakers")


@speakers_app.callback()
def speakers_main(ctx: typer.Context, db: Path = typer.Argument(..., metavar="DB", help=DB_HELP)) -> None:
    """List, show and correct speakers; corrections survive every later `extract`."""
    ctx.obj = db


def _open(ctx: typer.Context):
    from . import store

    _db_file(ctx.obj)
    db = store.open_existing(ctx.obj)
    store.ensure_schema(db)
    return db


@speakers_app.command(cls=Command, name="list")
def speakers_list(ctx: typer.Context, limit: int = typer.Option(50, "--limit", metavar="N", help="How many, most quoted first; 0 for all.")) -> None:
    """Speakers with their quote counts, types and aliases."""
    from . import store

    with reported():
        for r in store.speaker_list(_open(ctx), limit or None):
            typer.echo(f"{r['quotes']:>5}  {r['name']}  [{r['type']}]  {r['aliases'] or ''}")


@speakers_app.command(cls=Command, name="show")
def speakers_show(ctx: typer.Context, name: str = typer.Argument(..., metavar="NAME", help="Any form of the speaker's name.")) -> None:
    """One speaker: type, quote count, first and last quoted, aliases with counts, roles, merges."""
    from . import store

    with reported():
        r = store.speaker_record(_open(ctx), name)
    typer.echo(f"{r['name']} [{r['type']}], id {r['id']}: {r['quotes']} quotes"
               + (f", first {r['first_quoted']}, last {r['last_quoted']}" if r["first_quoted"] else ""))
    typer.echo("aliases: " + "; ".join(f"{a['alias']} ({a['quotes']})" for a in r["aliases"]))
    for role in r["roles"]:
        typer.echo(f"role: {role['role']}  ({role['document_id']}, {role['published'] or 'undated'}, "
                   f"{role['quotes']} quotes)")
    for m in r["merges"]:
        typer.echo(f"merged: {m['form']}  by {m['rule']}" + (f" in {m['document_id']}" if m["document_id"] else ""))


def _correct(ctx: typer.Context, action: str, name: Optional[str] = None, target: Optional[str] = None,
             quote_id: Optional[str] = None) -> None:
    from . import corrections

    with reported():
        typer.echo(corrections.correct(_open(ctx), action, name, target, quote_id))


@speakers_app.command(cls=Command, name="merge")
def speakers_merge(ctx: typer.Context, keep: str = typer.Argument(..., metavar="KEEP", help="The speaker that stays."),
                   other: str = typer.Argument(..., metavar="OTHER", help="The speaker merged into it.")) -> None:
    """Merge OTHER into KEEP: its quotes and aliases become KEEP's."""
    _correct(ctx, "merge", keep, other)


@speakers_app.command(cls=Command, name="split")
def speakers_split(ctx: typer.Context, name: str = typer.Argument(..., metavar="NAME", help="The speaker."),
                   alias: str = typer.Argument(..., metavar="ALIAS", help="One of its aliases, to become a speaker of its own.")) -> None:
    """Split ALIAS off NAME as its own speaker, with the quotes that name it that way."""
    _correct(ctx, "split", name, alias)


@speakers_app.command(cls=Command, name="rename")
def speakers_rename(ctx: typer.Context, name: str = typer.Argument(..., metavar="NAME", help="Any form of the speaker's name."),
                    new: str = typer.Argument(..., metavar="NEW", help="The canonical name to use.")) -> None:
    """Give a speaker a new canonical name (the old one stays an alias)."""
    _correct(ctx, "rename", name, new)


@speakers_app.command(cls=Command, name="set-type")
def speakers_set_type(ctx: typer.Context, name: str = typer.Argument(..., metavar="NAME", help="Any form of the speaker's name."),
                      type_: str = typer.Argument(..., metavar="TYPE",
                                                  help="person, organization, group, document or unknown.")) -> None:
    """Set a speaker's type."""
    _correct(ctx, "set-type", name, type_)


@speakers_app.command(cls=Command, name="move")
def speakers_move(ctx: typer.Context, quote_id: str = typer.Argument(..., metavar="QUOTE_ID", help="The quote's id (quotes.id)."),
                  name: str = typer.Argument(..., metavar="NAME", help="The speaker who said it (created if new).")) -> None:
    """Attribute one quote to another speaker."""
    _correct(ctx, "move", None, name, quote_id)


@command()
def demo(
    db: Path = typer.Argument(Path("demo.db"), metavar="[DB]",
                              help="Database to write [default: demo.db in the current folder]."),
    serve_it: bool = typer.Option(True, "--serve/--no-serve", help="Serve the demo database after building it."),
    host: str = typer.Option("127.0.0.1", "-h", "--host", metavar="HOST", help="Address to bind."),
    port: int = typer.Option(8001, "-p", "--port", metavar="PORT", help="Port to serve on."),
    open_browser: bool = typer.Option(False, "--open", help="Open the home page in a web browser."),
    models: Optional[str] = typer.Option(None, "--models", metavar="SET", help=MODELS_HELP),
) -> None:
    """Extract the demo articles shipped with quoteindex into DB (demo.db) and serve it."""
    from . import serve as serve_mod
    from .resources import seeds_dir

    with reported():
        seeds = seeds_dir()
        if not seeds.is_dir():
            raise QuoteindexError(f"the demo articles are missing from {seeds}; reinstall quoteindex")
        _extract([seeds], db, models, 8)
        if serve_it:
            err.print(f"Serving {db} on http://{host}:{port} (Ctrl-C stops)")
            serve_mod.serve(db, host, port, open_browser=open_browser)


@command("eval")
def eval_(
    gold: Path = typer.Argument(..., metavar="GOLD", help="gold.jsonl of a gold set."),
    docs: Optional[Path] = typer.Argument(None, metavar="[DOCS]", help="Folder of the gold set's .txt files (default: docs/ beside gold)."),
    models: Optional[str] = typer.Option(None, "--models", metavar="SET", help=MODELS_HELP),
    scorer: Optional[Path] = typer.Option(None, "--scorer", metavar="FILE", help="score.py (default: found beside the gold set)."),
    pred: Optional[Path] = typer.Option(None, "--pred", metavar="FILE", help="Also keep the predictions here."),
    as_json: bool = typer.Option(False, "--json", help="Print the scorer's JSON."),
    min_confidence: float = typer.Option(
        MIN_CONFIDENCE, "--min-confidence", metavar="C", help="Score only quotes at or above this confidence, as `export` does."),
    ablate: bool = typer.Option(False, "--ablate", help="Also print each rule's contribution (scores with it switched off)."),
) -> None:
    """Run the extractor on a gold set and print the scorer's numbers."""
    import tempfile

    from . import evaluate

    with reported():
        docs_dir = docs or gold.parent / "docs"
        out = pred or Path(tempfile.mkdtemp()) / "pred.jsonl"
        evaluate.find_scorer(gold, scorer)
        analysed = evaluate.analyse_docs(docs_dir, models=models)
        evaluate.predict_analysed(analysed, out, min_confidence=min_confidence)
        typer.echo(evaluate.score(gold, out, scorer=scorer, as_json=as_json))
        if not as_json:
            typer.echo("Attribution by how the gold mention names the speaker:")
            for kind, r in evaluate.by_mention(gold, out, scorer=scorer).items():
                typer.echo(f"  {kind:<12} gold {r['gold']:>4}  matched {r['matched']:>4}  accuracy {r['accuracy']:.3f}")
        if ablate:
            typer.echo("Rule ablation (attribution accuracy and end-to-end F1 lost when the rule is off):")
            typer.echo(f"  {'rule':<28} {'quotes':>6} {'attribution':>11} {'Δ':>7} {'end-to-end':>10} {'Δ':>7}")
            for r in evaluate.ablate(gold, analysed, scorer=scorer, min_confidence=min_confidence):
                typer.echo(f"  {r['rule']:<28} {r['fired']:>6} {r['attribution']:>11.3f} {r['delta_attribution']:>+7.3f}"
                           f" {r['end_to_end']:>10.3f} {r['delta_end_to_end']:>+7.3f}")


@models_app.callback()
def models_show(
    ctx: typer.Context,
    models: Optional[str] = typer.Option(None, "--models", metavar="SET", help=MODELS_HELP),
) -> None:
    """Which model set is active, where it lives and its scores."""
    if ctx.invoked_subcommand:
        return
    from .models import resolve

    with reported():
        ms = resolve(models)
    typer.echo(f"active: {ms.name} ({ms.kind}, chosen by {ms.chosen_by})\npath: {ms.path}")
    typer.echo("processors: " + ms.pipeline_kwargs.get("processors", ""))
    if ms.scores:
        typer.echo("scores: " + json.dumps(ms.scores, indent=2))


@models_app.command("evaluate", cls=Command)
def models_evaluate(
    corpora: Path = typer.Option(..., "--corpora", metavar="DIR",
                                 help="Folder holding ewt/ (UD English EWT) and gum/ (GUM), as cloned from GitHub."),
    models: Optional[str] = typer.Option(None, "--models", metavar="SET", help=MODELS_HELP),
) -> None:
    """Re-measure the model set's scores on EWT test and GUM test."""
    from .models import resolve

    with reported():
        ms = resolve(models)
        if not corpora.is_dir():
            raise QuoteindexError(f"no corpora at {corpora}; pass --corpora DIR holding ewt/ and gum/")
        from .models.evaluate import evaluate as run_eval

        scores = run_eval(ms.path, corpora)
    typer.echo(json.dumps(scores, indent=2))


if __name__ == "__main__":
    app()
