"""Opening the DuckDB store: migrations, read-only readers, and the one-writer lock.

DuckDB lets one process write a file; another process cannot even open it read-only meanwhile.
Writers open, write a batch, close; on the lock error they retry with backoff and, when they give
up, say which process holds the lock.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipeline.sqlfiles import migrations

log = logging.getLogger(__name__)

# "Conflicting lock is held in /usr/bin/python3.11 (PID 6131). See also …": the program and its PID.
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<holder>.+?\(PID \d+\))", re.S)


# DuckDB 2.0 writes new files in storage version 69 ("v2.0.0"), which no DuckDB before 2.0 opens, and the
# newest DuckDB shell installable (PyPI's duckdb-cli, 1.5.x) reads versions 64-68 only. A new store is
# written in the v1.5.0 storage format so that shell (and every 1.5 tool) can open it; DuckDB keeps a
# file's version on later writes, and a store written before this setting stays in the 2.0 format.
STORE_STORAGE_VERSION = "v1.5.0"


class StoreLockedError(RuntimeError):
    """Another process holds the DuckDB file; the message names it."""


class StoreUnusableError(RuntimeError):
    """The file is not a DuckDB database this DuckDB can open (garbage, a truncated copy, a newer format)."""


def _is_lock_error(exc: Exception) -> bool:
    return "lock" in str(exc).lower() and (
        "conflicting" in str(exc).lower() or "could not set" in str(exc).lower()
    )


def _holder(exc: Exception) -> str:
    m = _LOCK_HOLDER.search(str(exc))
    return m.group("holder").strip() if m else "another process"


def open_db(
    path: str | Path,
    *,
    read_only: bool = False,
    retries: int = 8,
    base_delay: float = 0.25,
    config: Mapping[str, str | bool] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the store (``:memory:`` works too), retrying while another process holds the lock.

    ``config``: DuckDB settings fixed when the connection opens (see ``sealed_reader``). A writable
    connection creates a missing file in ``STORE_STORAGE_VERSION``."""
    target = str(path)
    if target != ":memory:":
        if read_only and not Path(target).exists():
            raise FileNotFoundError(
                f"no database at {target}: run `stancewatch ingest` or `stancewatch demo` first"
            )
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    settings: dict[str, str | bool | int | float | list[str]] = dict(config or {})
    if not read_only:
        settings.setdefault("storage_compatibility_version", STORE_STORAGE_VERSION)
    attempt = 0
    while True:
        try:
            return duckdb.connect(target, read_only=read_only, config=settings)
        except duckdb.Error as exc:
            if not _is_lock_error(exc):
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise StoreUnusableError(f"{target} cannot be opened as a DuckDB store: {reason}") from exc
            if attempt >= retries:
                raise StoreLockedError(
                    f"{target} is locked by {_holder(exc)}; close that session (DuckDB allows one writer) "
                    "and try again"
                ) from exc
            delay = min(base_delay * 2**attempt, 8.0) * (0.5 + random.random())
            log.warning("%s is locked by %s; retrying in %.1fs", target, _holder(exc), delay)
            time.sleep(delay)
            attempt += 1


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction; return their names."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    rows = con.execute("SELECT version FROM schema_migrations").fetchall()
    done = {int(r[0]) for r in rows}
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


@contextmanager
def writer(path: str | Path, *, retries: int = 8) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated write connection held only for the ``with`` block."""
    con = open_db(path, retries=retries)
    try:
        migrate(con)
        yield con
    finally:
        con.close()


@contextmanager
def reader(path: str | Path, *, retries: int = 8) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection (what digests, exports and the review queue use)."""
    con = open_db(path, read_only=True, retries=retries)
    try:
        yield con
    finally:
        con.close()


# A read-only file can still be left: ATTACH another file read-write, COPY … TO or EXPORT a file, read any
# file with read_csv/read_text/glob, INSTALL or LOAD an extension. Users' SQL gets a connection that
# touches no file but the store and whose settings no statement can change back (SET, PRAGMA, RESET).
_SEALED_READ_ONLY: Mapping[str, str | bool] = {"enable_external_access": False, "lock_configuration": True}


@contextmanager
def sealed_reader(path: str | Path, *, retries: int = 8) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the store alone, for users' SQL (`stancewatch sql`): no other file can be
    attached, read or written, no extension loaded, and the configuration is locked."""
    con = open_db(path, read_only=True, retries=retries, config=_SEALED_READ_ONLY)
    try:
        yield con
    finally:
        con.close()
