"""Writing to the store: one transaction per batch, bulk inserts from Arrow tables, idempotent.

Every insert is ``INSERT … SELECT … FROM <arrow table> ON CONFLICT DO NOTHING`` (never ``executemany``,
which DuckDB runs row by row), and every key is a content hash, so re-saving a batch inserts nothing and
a crash loses at most the batch in flight. The counts returned are rows actually new.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from pipeline.models import Actor, Article, DuplicateLink, ExtractionResult
from pipeline.sqlfiles import query

log = logging.getLogger(__name__)

# Arrow schemas of the batch tables the named queries select from.
_ARTICLES = pa.schema(
    [
        ("article_id", pa.string()),
        ("content_hash", pa.string()),
        ("raw_hash", pa.string()),
        ("doc", pa.string()),
        ("origin", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("source", pa.string()),
        ("title", pa.string()),
        ("author", pa.string()),
        ("published", pa.date32()),
        ("published_basis", pa.string()),
        ("content_kind", pa.string()),
        ("text", pa.string()),
        ("n_sentences", pa.int32()),
        ("removed_lines", pa.int32()),
        ("minhash", pa.binary()),
        ("run_id", pa.string()),
    ]
)
_SENTENCES = pa.schema(
    [("article_id", pa.string()), ("idx", pa.int32()), ("start_char", pa.int32()), ("end_char", pa.int32())]
)
_SOURCES = pa.schema([("name", pa.string()), ("kind", pa.string()), ("url", pa.string())])
_SKIPPED = pa.schema(
    [("raw_hash", pa.string()), ("doc", pa.string()), ("reason", pa.string()), ("run_id", pa.string())]
)
_DUPLICATES = pa.schema(
    [
        ("article_id", pa.string()),
        ("canonical_id", pa.string()),
        ("content_hash", pa.string()),
        ("raw_hash", pa.string()),
        ("kind", pa.string()),
        ("similarity", pa.float64()),
        ("doc", pa.string()),
        ("url", pa.string()),
        ("source", pa.string()),
        ("published", pa.date32()),
        ("run_id", pa.string()),
    ]
)
_CLAIMS = pa.schema(
    [
        ("claim_id", pa.string()),
        ("actor", pa.string()),
        ("actor_status", pa.string()),
        ("speaker", pa.string()),
        ("speaker_text", pa.string()),
        ("stance", pa.string()),
        ("polarity", pa.int32()),
        ("topic", pa.string()),
        ("evidence", pa.string()),
        ("quote", pa.string()),
        ("speech", pa.string()),
        ("via", pa.string()),
        ("condition", pa.string()),
        ("said_on", pa.date32()),
        ("confidence", pa.float64()),
        ("rules", pa.string()),
        ("kind", pa.string()),
        ("from_stance", pa.string()),
    ]
)
_OCCURRENCES = pa.schema(
    [
        ("claim_id", pa.string()),
        ("article_id", pa.string()),
        ("doc", pa.string()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("source", pa.string()),
        ("published", pa.date32()),
        ("duplicate_of", pa.string()),
    ]
)
_ACTORS = pa.schema(
    [("name", pa.string()), ("kind", pa.string()), ("party", pa.string()), ("status", pa.string())]
)
_ALIASES = pa.schema(
    [
        ("alias", pa.string()),
        ("actor", pa.string()),
        ("status", pa.string()),
        ("score", pa.float64()),
        ("evidence", pa.string()),
    ]
)
_TOPICS = pa.schema([("key", pa.string()), ("label", pa.string()), ("phrases", pa.string())])
_BATCH_DAYS = pa.schema([("day", pa.date32()), ("run_id", pa.string())])

# What kind of outlet an article's origin says its source is (sources.kind: file, feed, page).
_SOURCE_KIND = {"file": "file", "feed": "feed", "web": "page"}


def _rows_to_table(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=schema)


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    name: str,
    table_name: str,
    rows: Sequence[dict[str, Any]],
    schema: pa.Schema,
) -> int:
    """Run the named query with ``rows`` visible as ``table_name``; return the number of rows inserted.

    One Arrow table per call, never a row per statement. On failure the table stays registered:
    DuckDB refuses to unregister inside an aborted transaction, so the caller's rollback unregisters it.
    """
    if not rows:
        return 0
    con.register(table_name, _rows_to_table(rows, schema))
    result = con.execute(query(name)).fetchone()
    con.unregister(table_name)
    return int(result[0]) if result else 0


_BATCH_TABLES = (
    "batch_sources",
    "batch_articles",
    "batch_sentences",
    "batch_claims",
    "batch_occurrences",
    "batch_duplicates",
    "batch_actors",
    "batch_aliases",
    "batch_topics",
    "batch_skipped",
    "batch_days",
)


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("ROLLBACK")
    for name in _BATCH_TABLES:
        con.unregister(name)


def _site(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _article_row(article: Article, run_id: str, minhash: bytes | None) -> dict[str, Any]:
    return {
        "article_id": article.article_id,
        "content_hash": article.content_hash,
        "raw_hash": article.raw_hash or None,
        "doc": article.doc,
        "origin": article.origin,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "source": article.source,
        "title": article.title,
        "author": article.author,
        "published": article.published,
        "published_basis": article.published_basis,
        "content_kind": article.content_kind,
        "text": article.text,
        "n_sentences": len(article.sentences),
        "removed_lines": article.removed_lines,
        "minhash": minhash,
        "run_id": run_id,
    }


def _source_rows(articles: Iterable[Article]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for article in articles:
        if article.source and article.source not in seen:
            seen[article.source] = {
                "name": article.source,
                "kind": _SOURCE_KIND.get(article.origin, article.origin),
                "url": _site(article.url),
            }
    return list(seen.values())


def save_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    articles: Sequence[Article],
    duplicates: Sequence[tuple[Article, DuplicateLink]],
    extraction: ExtractionResult,
    run_id: str,
    signatures: Mapping[str, bytes] | None = None,
) -> dict[str, int]:
    """Store one batch in one transaction; return how many rows each table gained.

    ``articles`` are the canonical articles; ``duplicates`` are copies, stored in ``duplicates`` and given
    occurrences of their canonical article's claims (from this batch or an earlier run) instead of claims
    of their own. ``signatures`` maps article_id → MinHash bytes for near-duplicate search in later runs.
    """
    signatures = signatures or {}
    article_rows = [_article_row(a, run_id, signatures.get(a.article_id)) for a in articles]
    sentence_rows = [
        {"article_id": a.article_id, "idx": s.index, "start_char": s.start, "end_char": s.end}
        for a in articles
        for s in a.sentences
    ]
    duplicate_rows = [
        {
            "article_id": copy.article_id,
            "canonical_id": link.canonical_id,
            "content_hash": copy.content_hash or None,
            "raw_hash": copy.raw_hash or None,
            "kind": link.kind,
            "similarity": float(link.similarity),
            "doc": copy.doc,
            "url": copy.url,
            "source": copy.source,
            "published": copy.published,
            "run_id": run_id,
        }
        for copy, link in duplicates
    ]
    claim_rows = [
        {
            "claim_id": c.claim_id,
            "actor": c.actor,
            "actor_status": c.actor_status,
            "speaker": c.speaker,
            "speaker_text": c.speaker_text,
            "stance": c.stance,
            "polarity": c.polarity,
            "topic": c.topic,
            "evidence": c.evidence,
            "quote": c.quote,
            "speech": c.speech,
            "via": c.via,
            "condition": c.condition,
            "said_on": c.said_on,
            "confidence": float(c.confidence),
            "rules": json.dumps(list(c.rules)),
            "kind": c.kind,
            "from_stance": c.from_stance,
        }
        for c in extraction.claims
    ]
    occurrence_rows = [
        {
            "claim_id": o.claim_id,
            "article_id": o.article_id,
            "doc": o.doc,
            "start_char": o.start,
            "end_char": o.end,
            "source": o.source,
            "published": o.published,
            "duplicate_of": o.duplicate_of,
        }
        for o in extraction.occurrences
    ]
    actor_rows = [
        {"name": a.name, "kind": a.kind, "party": a.party, "status": "discovered"}
        for a in extraction.discovered_actors
    ]
    alias_rows = [
        {"alias": alias, "actor": actor, "status": "unconfirmed", "score": float(score), "evidence": evidence}
        for alias, actor, score, evidence in extraction.alias_candidates
    ]
    sources = _source_rows([*articles, *(copy for copy, _ in duplicates)])
    days = {a.published for a in [*articles, *(copy for copy, _ in duplicates)] if a.published}
    day_rows = [{"day": day, "run_id": run_id} for day in sorted(days)]

    counts: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        counts["sources"] = insert_rows(con, "store_insert_sources", "batch_sources", sources, _SOURCES)
        counts["articles"] = insert_rows(
            con, "store_insert_articles", "batch_articles", article_rows, _ARTICLES
        )
        counts["sentences"] = insert_rows(
            con, "store_insert_sentences", "batch_sentences", sentence_rows, _SENTENCES
        )
        counts["claims"] = insert_rows(con, "store_insert_claims", "batch_claims", claim_rows, _CLAIMS)
        counts["claim_occurrences"] = insert_rows(
            con, "store_insert_occurrences", "batch_occurrences", occurrence_rows, _OCCURRENCES
        )
        counts["duplicates"] = insert_rows(
            con, "store_insert_duplicates", "batch_duplicates", duplicate_rows, _DUPLICATES
        )
        # After this batch's own occurrences, so a copy of an article in the same batch finds them.
        counts["claim_occurrences"] += insert_rows(
            con, "store_insert_duplicate_occurrences", "batch_duplicates", duplicate_rows, _DUPLICATES
        )
        counts["actors"] = insert_rows(
            con, "store_insert_discovered_actors", "batch_actors", actor_rows, _ACTORS
        )
        counts["aliases"] = insert_rows(
            con, "store_insert_alias_candidates", "batch_aliases", alias_rows, _ALIASES
        )
        # In the batch's own transaction: whatever stops the run after this commit, the days it changed
        # stay marked until their digests are written (``save_digest`` clears them). A batch that stored
        # nothing new (a re-save) changed no digest.
        changed = counts["articles"] or counts["duplicates"] or counts["claim_occurrences"]
        counts["stale_days"] = (
            insert_rows(con, "store_mark_stale_days", "batch_days", day_rows, _BATCH_DAYS) if changed else 0
        )
        con.execute("COMMIT")
    except Exception as exc:
        _rollback(con)
        log.error(
            "batch of run %s not stored (%d articles), nothing of it written: %s", run_id, len(articles), exc
        )
        raise
    return counts


def _actor_row(actor: Actor | str | Sequence[Any]) -> dict[str, Any]:
    if isinstance(actor, Actor):
        return {"name": actor.name, "kind": actor.kind, "party": actor.party, "status": "canonical"}
    if isinstance(actor, str):
        return {"name": actor, "kind": "unknown", "party": None, "status": "canonical"}
    name, kind, party = [*actor, None, None][:3]
    return {"name": name, "kind": kind or "unknown", "party": party, "status": "canonical"}


def save_watchlist(
    con: duckdb.DuckDBPyConnection,
    actors: Iterable[Actor | str | Sequence[Any]],
    aliases: Iterable[tuple[str, str]],
    topics: Iterable[tuple[str, str | None, Sequence[str]]],
) -> dict[str, int]:
    """Upsert a watchlist: canonical actors, confirmed aliases, topics (key, label, phrases).

    ``actors`` may be ``Actor`` objects (their own ``aliases`` are confirmed too), names, or
    (name, kind, party) tuples; ``aliases`` are (alias, actor) pairs.
    """
    actor_rows: dict[str, dict[str, Any]] = {}
    alias_rows: dict[tuple[str, str], dict[str, Any]] = {}

    def add_alias(alias: str, actor: str) -> None:
        if alias and alias != actor:
            alias_rows[(alias, actor)] = {
                "alias": alias,
                "actor": actor,
                "status": "confirmed",
                "score": None,
                "evidence": None,
            }

    for actor in actors:
        row = _actor_row(actor)
        actor_rows[row["name"]] = row
        if isinstance(actor, Actor):
            for alias in actor.aliases:
                add_alias(alias, actor.name)
    for alias, actor_name in aliases:
        add_alias(alias, actor_name)
    topic_rows = {
        key: {"key": key, "label": label, "phrases": json.dumps(list(phrases))}
        for key, label, phrases in topics
    }
    counts: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        counts["actors"] = insert_rows(
            con, "store_upsert_watchlist_actors", "batch_actors", list(actor_rows.values()), _ACTORS
        )
        counts["aliases"] = insert_rows(
            con, "store_upsert_watchlist_aliases", "batch_aliases", list(alias_rows.values()), _ALIASES
        )
        counts["topics"] = insert_rows(
            con, "store_upsert_topics", "batch_topics", list(topic_rows.values()), _TOPICS
        )
        con.execute("COMMIT")
    except Exception:
        _rollback(con)
        raise
    return counts


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def start_run(con: duckdb.DuckDBPyConnection, kind: str) -> str:
    """Record a run as running; return its id (kind, UTC start time and a random suffix).

    Runs left ``running`` by a process that died (kill -9, a lost machine) are first closed as ``crashed``.
    """
    close_crashed_runs(con)
    started = _now()
    run_id = f"{kind}-{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    con.execute(
        query("store_start_run"),
        {"run_id": run_id, "kind": kind, "started_at": started, "pid": os.getpid(), "host": _host()},
    )
    return run_id


def _host() -> str:
    return socket.gethostname()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def close_crashed_runs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Close as ``crashed`` the runs marked running whose process is gone; return their ids.

    A run's process is checked on its own host. A run from another host (a Kubernetes pod on the same
    volume) cannot be checked from here and is closed too: the deployment runs one flow at a time, so a
    run that starts finds no other live run. A row from before runs recorded their process is closed too.
    """
    host = _host()
    crashed = [
        run_id
        for run_id, pid, run_host in con.execute(query("store_running_runs")).fetchall()
        if pid is None or run_host != host or (pid != os.getpid() and not _process_alive(pid))
    ]
    for run_id in crashed:
        con.execute(query("store_close_crashed_run"), {"run_id": run_id, "finished_at": _now()})
        log.warning("run %s never finished (its process is gone): closed as crashed", run_id)
    return crashed


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str, stats: Mapping[str, Any]) -> None:
    """Mark a run completed or failed, with its counts (anything json can write; dates and sets too)."""
    con.execute(
        query("store_finish_run"),
        {
            "run_id": run_id,
            "status": status,
            "finished_at": _now(),
            "stats": json.dumps(stats, default=_jsonable),
        },
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str)
    return str(value)


def save_digest(
    con: duckdb.DuckDBPyConnection,
    day: date,
    markdown: str,
    html: str | None,
    body_json: str | Mapping[str, Any],
    run_id: str | None,
) -> None:
    """Store (or replace) the digest of ``day`` and clear it from the stale days, in one transaction;
    ``body_json`` is the JSON text or the dict itself. Call it once the day's files are written."""
    body = body_json if isinstance(body_json, str) else json.dumps(body_json, default=_jsonable)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            query("store_save_digest"),
            {"day": day, "markdown": markdown, "html": html, "body": body, "run_id": run_id},
        )
        con.execute(query("store_clear_stale_day"), {"day": day})
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


VERDICTS: tuple[str, ...] = ("confirmed", "rejected")


class UnknownClaimError(KeyError):
    """A review named a claim id the store does not hold."""


def save_review(con: duckdb.DuckDBPyConnection, claim_id: str, verdict: str) -> None:
    """Store a user's verdict on a claim (``confirmed`` or ``rejected``), replacing an earlier one.

    Verdicts live in ``claim_reviews``, apart from the claim: re-ingesting never rewrites a claim, so a
    verdict outlives it. Raises UnknownClaimError when no stored claim has ``claim_id``.
    """
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    saved = con.execute(query("store_upsert_claim_review"), {"claim_id": claim_id, "verdict": verdict})
    if saved.fetchone() is None:
        raise UnknownClaimError(claim_id)


def save_skipped(con: duckdb.DuckDBPyConnection, skipped: Sequence[tuple[str, str, str]], run_id: str) -> int:
    """Remember inputs that gave no article, as (raw_hash, doc, reason), so a re-run skips them."""
    rows = [{"raw_hash": h, "doc": doc, "reason": reason, "run_id": run_id} for h, doc, reason in skipped]
    con.execute("BEGIN TRANSACTION")
    try:
        count = insert_rows(con, "store_insert_skipped", "batch_skipped", rows, _SKIPPED)
        con.execute("COMMIT")
    except Exception:
        _rollback(con)
        raise
    return count


def known_raw_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Fingerprints of every stored input (articles and duplicates): a re-run skips these early."""
    return {row[0] for row in con.execute(query("store_known_raw_hashes")).fetchall()}


def known_dedupe_state(
    con: duckdb.DuckDBPyConnection, *, chunk: int = 10_000
) -> Iterator[tuple[str, str, str | None, bytes | None, date | None]]:
    """(article_id, content_hash, canonical_url, minhash, published) of stored articles, in chunks."""
    cursor = con.cursor()
    try:
        cursor.execute(query("store_known_dedupe_state"))
        while rows := cursor.fetchmany(chunk):
            for article_id, content_hash, canonical_url, minhash, published in rows:
                signature = bytes(minhash) if minhash is not None else None
                yield article_id, content_hash, canonical_url, signature, published
    finally:
        cursor.close()
