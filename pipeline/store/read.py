"""Reading the store: claim export, days, ad-hoc SQL, the review queue, status counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import duckdb

from pipeline.sqlfiles import query

# The keys of one exported claim occurrence, in the order the export writes them.
EXPORT_FIELDS: tuple[str, ...] = (
    "doc",
    "evidence",
    "actor",
    "speaker",
    "stance",
    "topic",
    "published",
    "source",
    "confidence",
    "claim_id",
    "quote",
    "via",
)


def _stream(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None, chunk: int = 5_000
) -> Iterator[tuple[Any, ...]]:
    cursor = con.cursor()
    try:
        cursor.execute(sql, params or {})
        while rows := cursor.fetchmany(chunk):
            yield from rows
    finally:
        cursor.close()


def export_claims(con: duckdb.DuckDBPyConnection) -> Iterator[dict[str, Any]]:
    """One dict per claim occurrence (dates as ISO strings), streamed: ready for ``json.dumps``.

    ``doc`` is the article's file name, or its URL for web articles; a syndicated copy is its own line.
    """
    for row in _stream(con, query("read_export_claims")):
        record = dict(zip(EXPORT_FIELDS, row, strict=True))
        if isinstance(record["published"], date):
            record["published"] = record["published"].isoformat()
        yield record


def days_with_articles(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Every day on which a stored article or copy was published, in order."""
    return [row[0] for row in con.execute(query("read_days_with_articles")).fetchall()]


def stale_days(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Days whose digest is missing or out of date (marked by the batches that changed them), in order."""
    return [row[0] for row in con.execute(query("read_stale_days")).fetchall()]


class QueryRefused(ValueError):
    """A user's SQL that `stancewatch sql` does not run; the message says why, in one line."""


def run_sql(
    con: duckdb.DuckDBPyConnection, sql: str, *, max_rows: int | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run exactly one query of a user's; return (column names, rows).

    DuckDB's own parser says how many statements ``sql`` holds and of what kind; only one of the reading
    kind runs (SELECT, WITH …, FROM …, VALUES, DESCRIBE, SHOW, SUMMARIZE, which DuckDB parses as SELECT).
    Anything else (ATTACH, USE, COPY, EXPORT, INSTALL, LOAD, SET, PRAGMA, CALL, DDL, DML, a second
    statement) raises ``QueryRefused`` before it runs. A query can still call functions that read files
    (read_csv, read_text, glob): open ``con`` with ``sealed_reader``, which refuses them, and they raise
    ``QueryRefused`` too.
    """
    statements = con.extract_statements(sql)
    if not statements:
        raise QueryRefused("no SQL statement given")
    if len(statements) > 1:
        raise QueryRefused(f"one statement at a time: this is {len(statements)} statements")
    statement = statements[0]
    if statement.type != duckdb.StatementType.SELECT:
        raise QueryRefused(
            "only queries run here (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE); DuckDB parses this one "
            f"as {statement.type.name}"
        )
    cursor = con.cursor()
    try:
        cursor.execute(statement.query)
        columns = [d[0] for d in cursor.description or ()]
        rows = cursor.fetchall() if max_rows is None else cursor.fetchmany(max_rows)
        return columns, rows
    except duckdb.PermissionException as exc:
        # "Cannot access file "/etc/passwd" - file system operations are disabled by configuration"
        raise QueryRefused(str(exc).splitlines()[0]) from exc
    finally:
        cursor.close()


def list_actors(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every actor with its kind, party and status (canonical, discovered)."""
    return _dicts(con.execute(query("read_actors")))


def actors_for_review(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Unconfirmed aliases (fuzzy matches) with their evidence sentence and claim count, per actor."""
    return _dicts(con.execute(query("read_actors_for_review")))


def discovered_actors(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Speakers found in text but not on the watchlist, most claims first."""
    return _dicts(con.execute(query("read_discovered_actors")))


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = [d[0] for d in cursor.description or ()]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def actor_aliases(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Canonical actor → the names text may use for it (confirmed aliases, the people who speak for it)."""
    aliases: dict[str, list[str]] = {}
    for actor, alias in con.execute(query("read_actor_aliases")).fetchall():
        aliases.setdefault(actor, []).append(alias)
    return aliases


def status_counts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Row counts per table and the latest run (id, kind, status, times, stats), for `stancewatch status`."""
    counts: dict[str, Any] = {item: n for item, n in con.execute(query("read_status_counts")).fetchall()}
    last = con.execute(query("read_last_run")).fetchone()
    if last is not None:
        run_id, kind, started, finished, status, stats = last
        counts["last_run"] = {
            "run_id": run_id,
            "kind": kind,
            "started_at": started.isoformat() if started else None,
            "finished_at": finished.isoformat() if finished else None,
            "status": status,
            "stats": json.loads(stats) if stats else None,
        }
    return counts


def stored_digest(con: duckdb.DuckDBPyConnection, day: date) -> dict[str, Any] | None:
    """The stored digest of ``day`` (markdown, html, body as a dict), or None."""
    row = con.execute(query("read_digest"), {"day": day}).fetchone()
    if row is None:
        return None
    stored_day, markdown, html, body, run_id, created = row
    return {
        "day": stored_day,
        "markdown": markdown,
        "html": html,
        "body": json.loads(body),
        "run_id": run_id,
        "created_at": created,
    }


def claim_digest_days(con: duckdb.DuckDBPyConnection, claim_id: str, *, window_days: int) -> list[date]:
    """The days whose digest a verdict on ``claim_id`` can change: the days it was published, and the stored
    digests from its first day to ``window_days`` after it was last stated (the standing positions later
    days read through the window include it)."""
    params = {"claim_id": claim_id, "window_days": window_days}
    return [row[0] for row in con.execute(query("read_claim_digest_days"), params).fetchall()]
