"""The `stancewatch` command. Every command has help with an example (a test checks it)."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup
from typer.exceptions import TyperException

from pipeline.settings import Settings, get_settings

if TYPE_CHECKING:
    import duckdb


# ---- expected errors: one line and an exit code, never a traceback ---------------------------------------

# Exit codes: 1 the run or the command failed on what it met (a locked or damaged store, a dead worker),
# 2 what it was given is wrong (a watchlist, a sources file, a folder).
_EXIT_FAILED, _EXIT_USAGE = 1, 2

# Exceptions a command expects, by class name: the mapping below knows them, and Prefect's own log lines
# about a run that failed with one of them are dropped (the command says it in its one line).
_EXPECTED_NAMES = (
    "WatchlistError",
    "SourcesError",
    "StoreLockedError",
    "StoreUnusableError",
    "DigestWriteError",
    "InboxMissingError",
    "BrokenProcessPool",
    "ConnectError",
    "ReadError",
    "RemoteProtocolError",
)


def expected_error(exc: BaseException) -> tuple[str, int] | None:
    """The one line and exit code for an error a command expects, or None for a bug (its traceback shows).

    The one place that knows them: each command lets them rise, and the command group reports them.
    """
    from concurrent.futures.process import BrokenProcessPool

    from pipeline.errors import DigestWriteError, InboxMissingError
    from pipeline.sources import SourcesError
    from pipeline.store import StoreLockedError, StoreUnusableError
    from pipeline.watchlist import WatchlistError

    if isinstance(exc, WatchlistError | SourcesError | InboxMissingError):
        return str(exc), _EXIT_USAGE
    if isinstance(exc, StoreLockedError | StoreUnusableError | DigestWriteError):
        return str(exc), _EXIT_FAILED
    if isinstance(exc, BrokenProcessPool):
        return (
            "a worker process died mid-run (killed, or out of memory): the run stopped; the batches stored "
            "before are kept and their days' digests are written by the next run, which goes on from there",
            _EXIT_FAILED,
        )
    if _is_prefect_api_error(exc):
        from prefect.settings import PREFECT_API_URL

        api = PREFECT_API_URL.value() or "its local server"
        return (
            f"Prefect's API ({api}) stopped answering mid-run ({type(exc).__name__}: {exc}): the run "
            "stopped; what it stored is kept, and the next run writes the digests it left",
            _EXIT_FAILED,
        )
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"cannot use {exc.filename}: {exc.strerror or exc}", _EXIT_FAILED
    if isinstance(exc, OSError):
        return str(exc), _EXIT_FAILED
    return None


def _expected_in_chain(exc: BaseException) -> tuple[str, int] | None:
    """``expected_error`` of the exception or of what caused it (a task's failure re-raised by its flow)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found = expected_error(current)
        if found is not None:
            return found
        current = current.__cause__ or current.__context__
    return None


def _is_prefect_api_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a request to Prefect's API that got no answer (refused, dropped): not one of the
    fetcher's, which never leave their source's summary anyway."""
    import httpx

    if not isinstance(exc, httpx.TransportError):
        return False
    from prefect.settings import PREFECT_API_URL

    try:
        url = str(exc.request.url)
    except RuntimeError:  # an error raised without its request
        return False
    api = PREFECT_API_URL.value()
    # The local server's address is unknown once its run has ended; its routes all start with /api/.
    return url.startswith(api) if api else "/api/" in url


def _prefect_api_gone(exc: BaseException) -> bool:
    """Whether the error, or what caused it, is Prefect's API not answering."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if _is_prefect_api_error(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


class _ReportingGroup(TyperGroup):
    """The command group that turns an expected error of any command into its one line and exit code."""

    # The context's type is typer's vendored click Context, which typer does not export.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):  # the command's own exits and usage errors
            raise
        except Exception as exc:
            found = _expected_in_chain(exc)
            if found is None:
                raise
            message, code = found
            err.print(f"[red]{escape(message)}[/red]", soft_wrap=True)
            if _prefect_api_gone(exc):
                # At exit Prefect's services would try to deliver every pending event and log line to the
                # server that is gone, each for seconds (minutes in all): the store is closed, so stop here.
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
            raise typer.Exit(code) from exc


# What Prefect logs, again and again, while its API does not answer (the run itself goes on).
_API_GONE_MESSAGES = ("Unable to connect to", "failed to process item", "connection attempts failed")


class _ExpectedFailureFilter(logging.Filter):
    """Drops Prefect's error lines (with their tracebacks) about a run failing with an expected error, and
    its repeated complaints that its API does not answer, said once instead."""

    def __init__(self) -> None:
        super().__init__()
        self.api_gone_said = False

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.levelno >= logging.WARNING and any(m in message for m in _API_GONE_MESSAGES):
            if not self.api_gone_said:
                self.api_gone_said = True
                err.print(
                    "[yellow]Prefect's API stopped answering: the run goes on storing its batches and stops "
                    "with an error once Prefect gives up on it[/yellow]",
                    soft_wrap=True,
                )
            return False
        if record.levelno < logging.ERROR:
            return True
        if record.exc_info and record.exc_info[1] is not None and _expected_in_chain(record.exc_info[1]):
            return False
        return not any(name in message for name in _EXPECTED_NAMES)


@contextmanager
def _quiet_expected_failures() -> Iterator[None]:
    """While a command runs a flow: the flow and task engines' logs of an expected failure are left out,
    and so are the lines Prefect repeats while its API is gone (its own notes of that are off too: the
    command says it in one line)."""
    loggers = [
        logging.getLogger(name)
        for name in (
            "prefect.flow_runs",
            "prefect.task_runs",
            "prefect.events.clients",
            "prefect._internal.concurrency",
        )
    ]
    quiet = _ExpectedFailureFilter()
    for logger in loggers:
        logger.addFilter(quiet)
    # Prefect's log shipper writes "--- Error logging to API ---" to stderr unless this is off.
    raise_exceptions, logging.raiseExceptions = logging.raiseExceptions, False
    try:
        yield
    finally:
        logging.raiseExceptions = raise_exceptions
        for logger in loggers:
            logger.removeFilter(quiet)


app = typer.Typer(
    cls=_ReportingGroup,
    name="stancewatch",
    help="Reads the news and tells you, every day, who changed their position on what.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
)
claims_app = typer.Typer(help="Work with extracted claims.", no_args_is_help=True)
app.add_typer(claims_app, name="claims")

console = Console()
err = Console(stderr=True)

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "gaza-ceasefire"

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB file [env STANCEWATCH_DB; default data/stancewatch.duckdb]"),
]
WatchlistOption = Annotated[
    Path | None, typer.Option("--watchlist", help="watchlist TOML [env STANCEWATCH_WATCHLIST]")
]


def _settings(**overrides: Any) -> Settings:
    try:
        return get_settings(**overrides)
    except Exception as exc:  # pydantic validation: say which setting is wrong
        err.print(f"[red]bad settings:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def _setup_logging(verbose: bool = False) -> None:
    from rich.logging import RichHandler

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err, show_path=False, show_time=False)],
        force=True,
    )
    # Problems (a skipped file, a failed source) are warnings and always show; progress needs -v.
    for name in ("pipeline", "flows"):
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.WARNING)
    # The flow logs every skipped input once at the end of the run (the line Prefect's UI shows too) and the
    # summary lists it: the reader's own warning, as the file is read, would be a second line for each.
    logging.getLogger("pipeline.read").setLevel(logging.ERROR)


def _local_prefect(home: Path | None = None) -> None:
    """Quiet Prefect defaults (no telemetry: there may be no internet). With ``home`` (the demo), local
    mode with a project-local home, so nothing depends on ~/.prefect; otherwise the user's Prefect
    configuration (a server in their profile, say) stands. Called before Prefect is first imported."""
    if not os.environ.get("PREFECT_API_URL"):
        # empty is unset: Prefect's events worker would take "" for a server's address (see flows/__init__)
        os.environ.pop("PREFECT_API_URL", None)
        if home is not None and "PREFECT_HOME" not in os.environ:
            home.mkdir(parents=True, exist_ok=True)
            os.environ["PREFECT_HOME"] = str(home.resolve())
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@contextmanager
def _read_store(
    settings: Settings,
    opener: Callable[..., AbstractContextManager[duckdb.DuckDBPyConnection]] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store opened read-only by ``opener`` (default ``reader``; ``sql`` seals it); a missing, locked
    or damaged file is one line, by the command group."""
    from pipeline.store import reader

    with (opener or reader)(settings.db, retries=settings.lock_retries) as con:
        yield con


def _cell(value: Any) -> Text:
    """A table cell shown as it is: article text such as "[/x]" or "[bold]" is not Rich markup."""
    return Text("" if value is None else str(value))


def _print_table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = Table()
    for column in columns:
        table.add_column(_cell(column))
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    console.print(table)


def _command_name() -> str:
    """How the user can call this command again from here (``.venv/bin/stancewatch`` after make demo)."""
    called = Path(sys.argv[0])
    try:
        return str(called.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return "stancewatch"


def _print_run(summary: dict[str, Any]) -> None:
    skipped = len(summary["skipped"])
    # Each skipped file was named once in the run's log, above: here only how many.
    skipped_text = f", {skipped} skipped (named above)" if skipped else ""
    console.print(
        f"read {summary['read']} documents ({summary['already_stored']} already stored), "
        f"{summary['new_articles']} new articles, {summary['duplicates']} duplicates, "
        f"{summary['new_claims']} new claims{skipped_text}"
    )
    undated = summary.get("undated", 0)
    if undated:
        console.print(
            f"  [yellow]{undated} new article{'s' if undated != 1 else ''} without a date[/yellow]: in no "
            "day's digest (date them in articles.jsonl, or set STANCEWATCH_DATE_UNDATED_BY_FIRST_SEEN=true)"
        )


def _check_watchlist(settings: Settings) -> None:
    """Read the watchlist before Prefect starts: a missing or bad one is one line, in a second."""
    from pipeline.watchlist import load_watchlist

    if settings.watchlist is not None:
        load_watchlist(settings.watchlist)


@app.command()
def demo(db: DbOption = None, verbose: bool = typer.Option(False, "--verbose", "-v")) -> None:
    """Run the whole pipeline on the bundled Gaza ceasefire sample and print where the digests are.

    Example: `stancewatch demo`
    """
    _setup_logging(verbose)
    if not SAMPLE.is_dir():
        err.print(f"[red]the sample corpus is missing:[/red] {SAMPLE}")
        raise typer.Exit(1)
    settings = _settings(db=db, watchlist=SAMPLE / "watchlist.toml")
    _local_prefect(settings.db.parent / "prefect")
    from flows.daily import ingest_flow, run_locally

    console.print(f"ingesting the sample corpus {SAMPLE} into {settings.db} (Prefect local mode)…")
    with _quiet_expected_failures():
        summary = run_locally(ingest_flow, settings, str(SAMPLE), settings=settings, all_digests=True)
    _print_run(summary)
    console.print(f"\n[bold]digests:[/bold] {settings.digest_folder.resolve()}/")
    for path in summary["digests"]:
        console.print(f"  {path}")
    console.print("\n[bold]try:[/bold]")
    command = _command_name()
    console.print(
        f'  {command} sql "SELECT actor, topic, stance, count(*) AS n FROM claims '
        f'GROUP BY ALL ORDER BY n DESC LIMIT 10" --db {settings.db}'
    )
    console.print(f"  {command} digest --day 2025-07-02 --db {settings.db}")


@app.command()
def ingest(
    path: Annotated[Path, typer.Argument(help="a folder (optionally with articles.jsonl) or one file")],
    db: DbOption = None,
    watchlist: WatchlistOption = None,
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Read local articles (.txt, .md, .html) through clean → dedupe → claims → store, then write digests.

    Works without a watchlist: speakers are then discovered, not canonical.

    Example: `stancewatch ingest examples/gaza-ceasefire --watchlist examples/gaza-ceasefire/watchlist.toml`
    """
    _setup_logging(verbose)
    if not path.exists():
        err.print(f"[red]no such file or folder:[/red] {escape(str(path))}")
        raise typer.Exit(2)
    settings = _settings(db=db, watchlist=watchlist)
    _check_watchlist(settings)
    _local_prefect()
    from flows.daily import ingest_flow, run_locally

    with _quiet_expected_failures():
        summary = run_locally(ingest_flow, settings, str(path), settings=settings)
    _print_run(summary)
    for digest in summary["digests"]:
        console.print(f"digest: {escape(str(digest))}")


@app.command()
def run(
    db: DbOption = None,
    watchlist: WatchlistOption = None,
    sources: Annotated[
        Path | None, typer.Option("--sources", help="sources TOML [env STANCEWATCH_SOURCES]")
    ] = None,
    inbox: Annotated[
        Path | None, typer.Option("--inbox", help="a folder of local articles to ingest too")
    ] = None,
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Run the daily flow now: fetch every enabled source, ingest the inbox, write the digests.

    Example: `stancewatch run --sources examples/sources.toml`
    """
    _setup_logging(verbose)
    settings = _settings(db=db, watchlist=watchlist, sources=sources, inbox=inbox)
    _check_watchlist(settings)
    from pipeline.errors import InboxMissingError

    if settings.inbox is not None and not settings.inbox.is_dir():
        raise InboxMissingError(settings.inbox)
    _local_prefect()
    from flows.daily import daily_flow, run_locally

    with _quiet_expected_failures():
        summary = run_locally(
            daily_flow,
            settings,
            db=str(settings.db),
            sources=str(settings.sources),
            watchlist=str(settings.watchlist) if settings.watchlist else None,
            inbox=str(settings.inbox) if settings.inbox else None,
        )
    _print_run(summary)
    if summary["sources"]:
        table = Table("source", "status", "new", "unchanged", "failed", "error")
        for row in summary["sources"]:
            columns = ("name", "status", "new", "unchanged", "failed", "error")
            table.add_row(*(_cell(row[column]) for column in columns))
        console.print(table)
    for path in summary["digests"]:
        console.print(f"digest: {escape(str(path))}")
    if summary["sources"] and all(row["status"] == "failed" for row in summary["sources"]):
        err.print(
            f"[red]every source failed ({len(summary['sources'])}): nothing was fetched; "
            "see the table above[/red]",
            soft_wrap=True,
        )
        raise typer.Exit(_EXIT_FAILED)


@app.command()
def serve() -> None:
    """Serve the daily deployment on its cron schedule (STANCEWATCH_SCHEDULE_CRON, STANCEWATCH_TIMEZONE).

    Needs a Prefect server (`prefect server start`, then `export PREFECT_API_URL=http://127.0.0.1:4200/api`).
    Trigger a run by hand with `prefect deployment run 'stancewatch-daily/daily'`.

    Example: `stancewatch serve`
    """
    _setup_logging(False)
    settings = _settings()
    # Not run_locally: served runs keep Prefect's heartbeats whatever STANCEWATCH_PREFECT_HEARTBEATS says
    # (zombie-run detection watches them; see flows.daily.flow_run_heartbeats).
    from flows.serve import serve as serve_daily

    console.print(f"serving stancewatch-daily/daily on cron {settings.schedule_cron!r} ({settings.timezone})")
    serve_daily(settings)


@app.command()
def sources(
    sources_file: Annotated[Path | None, typer.Option("--sources", help="sources TOML")] = None,
    db: DbOption = None,
) -> None:
    """List the declared feeds and pages with their last fetch status.

    Example: `stancewatch sources --sources examples/sources.toml`
    """
    settings = _settings(db=db, sources=sources_file)
    from pipeline.sources import SourcesError, load_sources
    from pipeline.store import StoreLockedError, reader
    from pipeline.store.fetchlog import entry_counts, source_statuses

    try:
        declared = load_sources(settings.sources)
    except SourcesError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc
    statuses = {}
    waiting = {}
    if settings.db.exists():
        try:
            with reader(settings.db, retries=settings.lock_retries) as con:
                statuses = {s.name: s for s in source_statuses(con)}
                waiting = entry_counts(con)
        except StoreLockedError as exc:
            err.print(f"[yellow]{escape(str(exc))}: showing sources without their status[/yellow]")
        except Exception as exc:  # a store from before fetching existed has no status table yet
            err.print(f"[yellow]no fetch status yet ({escape(str(exc))})[/yellow]")
    table = Table(
        "name",
        "kind",
        "enabled",
        "url",
        "last fetched",
        "status",
        "new",
        "unchanged",
        "failed",
        "entries pending",
        "entries given up",
        "error",
    )
    for s in declared:
        st = statuses.get(s.name)
        status_cells = (
            [
                str(st.updated_at)[:19],
                st.last_status,
                str(st.new),
                str(st.unchanged),
                str(st.failed),
            ]
            if st
            else ["", "never fetched", "", "", ""]
        )
        counts = waiting.get(s.name)
        entry_cells = [str(counts.pending), str(counts.failed)] if counts else ["", ""]
        error_cell = [st.error or "" if st else ""]
        # every cell as plain text: a source's name or error must not be read as Rich markup
        cells = (s.name, s.kind, "yes" if s.enabled else "no", s.display_url, *status_cells, *entry_cells)
        table.add_row(*map(_cell, (*cells, *error_cell)))
    console.print(table)


@app.command()
def digest(
    day: Annotated[
        str | None, typer.Option("--day", help="YYYY-MM-DD; default: every day with articles")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="md or json")] = "md",
    db: DbOption = None,
) -> None:
    """Print the digest of changed positions for a day (or every day), from the store.

    Example: `stancewatch digest --day 2025-07-02 --format json`
    """
    if fmt not in ("md", "json"):
        err.print("[red]--format must be md or json[/red]")
        raise typer.Exit(2)
    settings = _settings(db=db)
    from pipeline.digest import build_digest, digest_options, digest_to_json, render_markdown
    from pipeline.store.read import actor_aliases, days_with_articles

    try:
        wanted = [date.fromisoformat(day)] if day else None
    except ValueError as exc:
        err.print(f"[red]--day must be YYYY-MM-DD:[/red] {escape(str(day))}")
        raise typer.Exit(2) from exc
    with _read_store(settings) as con:
        with_articles = days_with_articles(con)
        if wanted and wanted[0] not in with_articles:
            span = f"{with_articles[0]} … {with_articles[-1]}" if with_articles else "none yet"
            err.print(
                f"[red]no articles were published on {wanted[0]}, so it has no digest "
                f"({len(with_articles)} days have articles: {span})[/red]",
                soft_wrap=True,
            )
            raise typer.Exit(_EXIT_FAILED)
        days = wanted or with_articles
        aliases = actor_aliases(con)
        digests = [build_digest(con, d, aliases=aliases, **digest_options(settings)) for d in days]
    if fmt == "json":
        bodies = [digest_to_json(d) for d in digests]
        typer.echo(json.dumps(bodies[0] if day else bodies, indent=2, ensure_ascii=False, default=str))
    else:
        typer.echo("\n\n".join(render_markdown(d) for d in digests))


@app.command()
def sql(
    statement: Annotated[
        str, typer.Argument(help="one query: SELECT, WITH, DESCRIBE, SHOW or SUMMARIZE; nothing else runs")
    ],
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
    db: DbOption = None,
) -> None:
    """Run one read-only SQL query against the store.

    Only the store can be read: one statement of a reading kind (SELECT, WITH, FROM, DESCRIBE, SHOW,
    SUMMARIZE) on a connection that opens no other file (no ATTACH, COPY, EXPORT, read_csv, INSTALL) and
    whose settings cannot change. Anything else is refused with exit code 2.

    Example: `stancewatch sql "SELECT actor, stance, topic FROM claims LIMIT 5" --format csv`
    """
    if fmt not in ("table", "csv", "json"):
        err.print("[red]--format must be table, csv or json[/red]")
        raise typer.Exit(2)
    settings = _settings(db=db)
    import duckdb

    from pipeline.store import QueryRefused, run_sql, sealed_reader

    try:
        with _read_store(settings, sealed_reader) as con:
            columns, rows = run_sql(con, statement)
    except QueryRefused as exc:
        err.print(f"[red]refused:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc
    except duckdb.Error as exc:
        err.print(f"[red]SQL error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from exc
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(columns)
        w.writerows(rows)
        sys.stdout.write(buf.getvalue())
    elif fmt == "json":
        typer.echo(
            json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, ensure_ascii=False)
        )
    else:
        _print_table(columns, rows)


@claims_app.command("export")
def claims_export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file; default stdout")] = None,
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", help="only claims at least this sure (the digest uses 0.5)")
    ] = 0.0,
    db: DbOption = None,
) -> None:
    """Export every claim occurrence as JSON lines (doc, evidence, actor, speaker, stance, topic, …).

    Example: `stancewatch claims export --format jsonl -o claims.jsonl`
    """
    if fmt != "jsonl":
        err.print("[red]--format must be jsonl[/red]")
        raise typer.Exit(2)
    settings = _settings(db=db)
    from pipeline.store.read import export_claims

    with _read_store(settings) as con:
        lines = [
            json.dumps(row, default=str, ensure_ascii=False)
            for row in export_claims(con)
            if row["confidence"] >= min_confidence
        ]
    text = "".join(line + "\n" for line in lines)
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"{len(lines)} claim occurrences written to {output}")
    else:
        sys.stdout.write(text)


@claims_app.command("review")
def claims_review(
    day: Annotated[
        str | None,
        typer.Option(
            "--day", help="YYYY-MM-DD; default: the latest day with a changed position (none: every day)"
        ),
    ] = None,
    reject: Annotated[
        str | None, typer.Option("--reject", help="claim id: it makes and breaks no position any more")
    ] = None,
    confirm: Annotated[
        str | None,
        typer.Option("--confirm", help="claim id: it counts at full weight, whatever its confidence"),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    db: DbOption = None,
) -> None:
    """List the claims behind a day's changed and disputed positions, or confirm or reject one by its id.

    A verdict is kept apart from the claim (re-ingesting keeps it) and the stored digests it changes are
    rebuilt at once.

    Example: `stancewatch claims review --day 2025-07-02`, then `stancewatch claims review --reject ID`
    """
    if reject and confirm:
        err.print("[red]give --reject or --confirm, not both[/red]")
        raise typer.Exit(2)
    if fmt not in ("text", "json"):
        err.print("[red]--format must be text or json[/red]")
        raise typer.Exit(2)
    settings = _settings(db=db)
    if reject or confirm:
        _store_verdict(settings, reject or confirm or "", "rejected" if reject else "confirmed")
        return
    from pipeline.digest import Digest, build_digest, digest_options
    from pipeline.digest.publish import claims_to_review
    from pipeline.store.read import actor_aliases, days_with_articles

    try:
        wanted = date.fromisoformat(day) if day else None
    except ValueError as exc:
        err.print(f"[red]--day must be YYYY-MM-DD:[/red] {day}")
        raise typer.Exit(2) from exc
    with _read_store(settings) as con:
        aliases = actor_aliases(con)

        def built(on: date) -> Digest:
            return build_digest(con, on, aliases=aliases, **digest_options(settings))

        if wanted:
            digests = [built(wanted)]
        else:
            # Newest first until a day has a change: built now, not read from the stored digests, which a
            # run with older rules or before a verdict may have written. No change on any day: every day.
            digests = []
            for each in reversed(days_with_articles(con)):
                digests.append(built(each))
                if digests[-1].changed:
                    digests = digests[-1:]
                    break
            digests.reverse()
    latest = digests[0].day if len(digests) == 1 else None
    rows = claims_to_review(digests)
    if fmt == "json":
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        where = latest.isoformat() if latest else "any day"
        typer.echo(f"no changed or disputed position on {where}")
        return
    # Plain lines, not a table: the evidence is long, the id must never wrap, and text from articles must not
    # be read as Rich markup.
    item = None
    for row in rows:
        if (row["day"], row["item"], row["title"]) != item:
            item = (row["day"], row["item"], row["title"])
            typer.echo(f"{row['day']}  {row['item']}  {row['title']}")
        details = [row["actor"], row["stance"], row["topic"], row["speaker"] or "speaker not named"]
        details += [row["outlet"] or "outlet unknown", f"stated {row['stated_on']}"]
        details.append(f"confidence {row['confidence']:.2f}")
        if row["review"]:
            details.append(row["review"])
        typer.echo(f"  {row['side']:<6}  {row['claim_id']}  {' · '.join(details)}")
        typer.echo(f"          “{row['evidence']}”")


def _store_verdict(settings: Settings, claim_id: str, verdict: str) -> None:
    """Store the verdict, rebuild the digests it changes, say so in one line; exit 2 for an unknown id."""
    from pipeline.digest.publish import review_claim
    from pipeline.store import StoreLockedError, writer
    from pipeline.store.write import UnknownClaimError

    if not settings.db.exists():
        err.print(f"[red]no store at {settings.db}[/red]")
        raise typer.Exit(1)
    try:
        with writer(settings.db, retries=settings.lock_retries) as con:
            days = review_claim(con, claim_id, verdict, settings=settings)
    except UnknownClaimError as exc:
        err.print(f"[red]unknown claim id:[/red] {claim_id} (`stancewatch claims review` lists them)")
        raise typer.Exit(2) from exc
    except StoreLockedError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    rebuilt = ", ".join(d.isoformat() for d in days) or "none"
    console.print(f"claim {claim_id} {verdict}; digests rebuilt: {rebuilt}")


@app.command()
def actors(
    review: Annotated[
        bool, typer.Option("--review", help="list unconfirmed aliases with their evidence")
    ] = False,
    db: DbOption = None,
) -> None:
    """List actors, or with --review the fuzzy-matched aliases waiting for confirmation.

    Example: `stancewatch actors --review`
    """
    settings = _settings(db=db)
    from pipeline.store.read import actors_for_review, list_actors

    with _read_store(settings) as con:
        found = actors_for_review(con) if review else list_actors(con)
    columns = (
        ["alias", "actor", "score", "claims", "evidence"] if review else ["name", "kind", "party", "status"]
    )
    _print_table(columns, ([row[c] for c in columns] for row in found))


def main() -> None:  # pragma: no cover - console entry point
    app()
