"""The fetch side of the store: the http cache, the log of every HTTP attempt, each source's status,
each feed entry's state across runs.

Bulk inserts from Arrow tables in one transaction per batch (never ``executemany``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.fetch import CacheEntry, EntryState, FetchBatch, FetchLogEntry, SourceSummary
from pipeline.sqlfiles import query
from pipeline.store.write import insert_rows

__all__ = [
    "EntryCounts",
    "SourceStatus",
    "entry_counts",
    "load_entry_states",
    "load_http_cache",
    "save_after_documents",
    "save_cache_updates",
    "save_fetch_batch",
    "source_statuses",
]

_CACHE = pa.schema(
    [
        ("url", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("body_hash", pa.string()),
        ("fetched_at", pa.timestamp("us")),
    ]
)
_LOG = pa.schema(
    [
        ("run_id", pa.string()),
        ("url", pa.string()),
        ("source", pa.string()),
        ("kind", pa.string()),
        ("outcome", pa.string()),
        ("status", pa.int32()),
        ("bytes", pa.int64()),
        ("duration_ms", pa.int32()),
        ("error", pa.string()),
        ("attempt", pa.int32()),
        ("fetched_at", pa.timestamp("us")),
    ]
)
_ENTRIES = pa.schema(
    [
        ("doc", pa.string()),
        ("source", pa.string()),
        ("status", pa.string()),
        ("attempts", pa.int32()),
        ("next_attempt", pa.timestamp("us")),
        ("error", pa.string()),
        ("updated_at", pa.timestamp("us")),
    ]
)
_STATUS = pa.schema(
    [
        ("name", pa.string()),
        ("kind", pa.string()),
        ("url", pa.string()),
        ("last_run", pa.string()),
        ("last_status", pa.string()),
        ("new", pa.int32()),
        ("unchanged", pa.int32()),
        ("failed", pa.int32()),
        ("error", pa.string()),
        ("updated_at", pa.timestamp("us")),
    ]
)


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """A source's last run as stored (``stancewatch sources`` shows these)."""

    name: str
    kind: str
    url: str
    last_run: str
    last_status: str
    new: int
    unchanged: int
    failed: int
    error: str | None
    last_success: datetime | None
    consecutive_failures: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class EntryCounts:
    """A feed's entries waiting for another try (``pending``) and given up (``failed``)."""

    pending: int
    failed: int


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("ROLLBACK")
    for name in ("batch_http_cache", "batch_fetch_log", "batch_source_status", "batch_feed_entries"):
        con.unregister(name)


def load_http_cache(con: duckdb.DuckDBPyConnection) -> dict[str, CacheEntry]:
    """URL → what we know of its last fetch."""
    rows = con.execute(query("fetch_load_cache")).fetchall()
    return {
        url: CacheEntry(url=url, etag=etag, last_modified=modified, body_hash=digest, fetched_at=at)
        for url, etag, modified, digest, at in rows
    }


def load_entry_states(con: duckdb.DuckDBPyConnection) -> dict[str, EntryState]:
    """Document id → the feed entry's state."""
    rows = con.execute(query("fetch_load_entry_states")).fetchall()
    return {row[0]: EntryState(*row) for row in rows}


def _entry_rows(states: Iterable[EntryState]) -> list[dict[str, Any]]:
    latest = {s.doc: s for s in states}  # one row per doc, as for the cache
    return [
        {
            "doc": s.doc,
            "source": s.source,
            "status": s.status,
            "attempts": s.attempts,
            "next_attempt": s.next_attempt,
            "error": s.error,
            "updated_at": s.updated_at or datetime.now(UTC).replace(tzinfo=None),
        }
        for s in latest.values()
    ]


def _cache_rows(updates: Iterable[CacheEntry]) -> list[dict[str, Any]]:
    latest = {u.url: u for u in updates}  # one row per URL: DuckDB cannot update a row twice in one statement
    return [
        {
            "url": u.url,
            "etag": u.etag,
            "last_modified": u.last_modified,
            "body_hash": u.body_hash,
            "fetched_at": u.fetched_at,
        }
        for u in latest.values()
    ]


def _log_rows(entries: Iterable[FetchLogEntry]) -> list[dict[str, Any]]:
    return [
        {
            "run_id": e.run_id,
            "url": e.url,
            "source": e.source,
            "kind": e.kind,
            "outcome": e.outcome,
            "status": e.status,
            "bytes": e.bytes,
            "duration_ms": e.duration_ms,
            "error": e.error,
            "attempt": e.attempt,
            "fetched_at": e.fetched_at,
        }
        for e in entries
    ]


def _status_rows(run_id: str, summaries: Iterable[SourceSummary], now: datetime) -> list[dict[str, Any]]:
    latest = {s.name: s for s in summaries}
    return [
        {
            "name": s.name,
            "kind": s.kind,
            "url": s.url,
            "last_run": run_id,
            "last_status": s.status,
            "new": s.new,
            "unchanged": s.unchanged,
            "failed": s.failed,
            "error": s.error,
            "updated_at": now,
        }
        for s in latest.values()
    ]


def save_cache_updates(con: duckdb.DuckDBPyConnection, updates: Iterable[CacheEntry]) -> int:
    """Upsert cache entries in one transaction; returns how many URLs were written."""
    rows = _cache_rows(updates)
    con.execute("BEGIN TRANSACTION")
    try:
        insert_rows(con, "fetch_upsert_cache", "batch_http_cache", rows, _CACHE)
        con.execute("COMMIT")
    except Exception:
        _rollback(con)
        raise
    return len(rows)


def save_after_documents(con: duckdb.DuckDBPyConnection, batch: FetchBatch) -> None:
    """The cache updates and entry states of a batch whose documents are stored, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        insert_rows(con, "fetch_upsert_cache", "batch_http_cache", _cache_rows(batch.cache_updates), _CACHE)
        insert_rows(
            con, "fetch_upsert_entry_states", "batch_feed_entries", _entry_rows(batch.entry_updates), _ENTRIES
        )
        con.execute("COMMIT")
    except Exception:
        _rollback(con)
        raise


def save_fetch_batch(
    con: duckdb.DuckDBPyConnection, batch: FetchBatch, *, include_cache: bool = True
) -> None:
    """Save a batch's log rows and source statuses (and its cache updates) in one transaction.

    Pass ``include_cache=False`` to save the cache and entry states later with ``save_after_documents``,
    after the batch's documents are stored: a crash in between then refetches them instead of skipping
    them as unchanged.
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        insert_rows(con, "fetch_insert_log", "batch_fetch_log", _log_rows(batch.log), _LOG)
        insert_rows(
            con,
            "fetch_upsert_source_status",
            "batch_source_status",
            _status_rows(batch.run_id, batch.summaries, now),
            _STATUS,
        )
        if include_cache:
            insert_rows(
                con, "fetch_upsert_cache", "batch_http_cache", _cache_rows(batch.cache_updates), _CACHE
            )
            insert_rows(
                con,
                "fetch_upsert_entry_states",
                "batch_feed_entries",
                _entry_rows(batch.entry_updates),
                _ENTRIES,
            )
        con.execute("COMMIT")
    except Exception:
        _rollback(con)
        raise


def source_statuses(con: duckdb.DuckDBPyConnection) -> list[SourceStatus]:
    """Every source's last run, failing sources first."""
    return [SourceStatus(*row) for row in con.execute(query("fetch_source_status")).fetchall()]


def entry_counts(con: duckdb.DuckDBPyConnection) -> dict[str, EntryCounts]:
    """Feed name → its pending and given-up entries."""
    return {
        source: EntryCounts(pending, failed)
        for source, pending, failed in con.execute(query("fetch_entry_counts")).fetchall()
    }
