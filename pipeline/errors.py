"""Errors a run expects and reports in one line (the CLI maps each to its message and exit code).

The store's own (``StoreLockedError``, ``StoreUnusableError``) live in ``pipeline.store.db`` and the
watchlist's (``WatchlistError``) in ``pipeline.watchlist``, beside the code that raises them.
"""

from __future__ import annotations

from pathlib import Path


class DigestWriteError(OSError):
    """The digest folder cannot be written: the days stay stale, and the next run writes them."""

    def __init__(self, folder: Path, reason: str, stale: int) -> None:
        self.folder = folder
        self.reason = reason
        self.stale = stale
        super().__init__(
            f"cannot write digests to {folder} ({reason}): {stale} day{'s' if stale != 1 else ''} "
            "left for the next run to write"
        )


class InboxMissingError(FileNotFoundError):
    """``STANCEWATCH_INBOX`` (or ``run --inbox``) names no folder."""

    def __init__(self, inbox: Path) -> None:
        self.inbox = inbox
        super().__init__(f"the inbox {inbox} is not a folder (STANCEWATCH_INBOX or --inbox)")
