"""The only code that talks to DuckDB. ``db`` opens and migrates; the other modules read and write."""

from pipeline.store.db import (
    StoreLockedError,
    StoreUnusableError,
    migrate,
    open_db,
    reader,
    sealed_reader,
    writer,
)
from pipeline.store.read import (
    QueryRefused,
    actor_aliases,
    actors_for_review,
    days_with_articles,
    discovered_actors,
    export_claims,
    run_sql,
    status_counts,
    stored_digest,
)
from pipeline.store.write import (
    finish_run,
    known_dedupe_state,
    known_raw_hashes,
    save_batch,
    save_digest,
    save_watchlist,
    start_run,
)

__all__ = [
    "QueryRefused",
    "StoreLockedError",
    "StoreUnusableError",
    "actor_aliases",
    "actors_for_review",
    "days_with_articles",
    "discovered_actors",
    "export_claims",
    "finish_run",
    "known_dedupe_state",
    "known_raw_hashes",
    "migrate",
    "open_db",
    "reader",
    "run_sql",
    "save_batch",
    "save_digest",
    "save_watchlist",
    "sealed_reader",
    "start_run",
    "status_counts",
    "stored_digest",
    "writer",
]
