"""The only code that talks to DuckDB. ``db`` opens and migrates; the other modules read and write."""

from pipeline.store.db import StoreLockedError, migrate, open_db, reader, writer

__all__ = ["StoreLockedError", "migrate", "open_db", "reader", "writer"]
