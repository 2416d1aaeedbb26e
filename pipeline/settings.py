"""One settings object, read from the environment (prefix ``STANCEWATCH_``) and ``.env``.

Every key is listed in ``.env.example`` with its default; a test keeps the two in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STANCEWATCH_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # `KEY=` in .env means "the default", as in .env.example
        extra="ignore",
    )

    # Store and outputs
    db: Path = Field(Path("data/stancewatch.duckdb"), description="DuckDB file (the store)")
    digest_dir: Path | None = Field(
        None,
        description="where daily digests are written; none: <store stem>-digests beside the store "
        "(data/stancewatch-digests)",
    )
    watchlist: Path | None = Field(
        None, description="watchlist TOML (actors, aliases, topics); none: speakers are discovered"
    )
    sources: Path = Field(Path("sources.toml"), description="feeds and pages to fetch")
    inbox: Path | None = Field(None, description="a folder of local articles `run` also ingests")

    # Processing
    batch_size: int = Field(1000, ge=1, description="articles per Prefect task run, at most")
    batch_chars: int = Field(
        20_000_000, ge=1, description="characters of input (a page's HTML) per task run, at most"
    )
    near_duplicate_threshold: float = Field(0.8, gt=0, le=1, description="MinHash Jaccard for near-dups")
    html_fallbacks: bool = Field(
        False, description="also run trafilatura's readability/justext comparison on pages (~30% slower)"
    )
    min_confidence: float = Field(0.5, ge=0, le=1, description="claims below this stay out of the digest")
    contradiction_window_days: int = Field(
        0, ge=0, description="days apart two sources' claims may be and still contradict (0: same day)"
    )
    dispute_quiet_days: int = Field(
        3,
        ge=0,
        description="days a reported contradiction stays 'still disputed' instead of new when the same two "
        "actors dispute the same topic again (0: every day's contradictions are new)",
    )
    position_window_days: int = Field(
        90,
        ge=1,
        description="days a position stands: a new side is a change only against a position held within "
        "them (older: no recent position)",
    )
    artifact_days: int = Field(
        7,
        ge=0,
        description="Prefect artifacts for the digests of a run's last N days (0: only daily-digest); "
        "every day's digest is still written and stored",
    )
    task_runner: Literal["threads", "processes", "dask"] = Field(
        "processes", description="threads, processes (CPU stages on a process pool) or dask"
    )
    workers: int = Field(2, ge=1, description="task runner workers")
    dask_address: str | None = Field(None, description="scheduler address for task_runner=dask")
    lock_retries: int = Field(8, ge=0, description="retries when another process holds the DuckDB lock")
    prefect_heartbeats: bool = Field(
        False,
        description="Prefect flow-run heartbeats in runs the CLI starts (ingest, run, demo); "
        "`serve` keeps Prefect's own setting",
    )

    date_undated_by_first_seen: bool = Field(
        False,
        description="an article without a date gets the day a run first saw it (published_basis "
        "first_seen); off: it is stored undated and is in no day's digest",
    )

    # Schedule
    schedule_cron: str = Field("30 5 * * *", description="daily run (cron)")
    timezone: str = Field("UTC", description="time zone of the cron schedule")

    # HTTP
    http_timeout: float = Field(20.0, gt=0, description="seconds per request phase")
    http_deadline: float = Field(
        60.0, gt=0, description="seconds one request may take in all: connect, headers, body, redirects"
    )
    http_source_budget: float = Field(
        600.0, gt=0, description="seconds of fetching per source and run; entries not reached wait for later"
    )
    http_max_entries_per_feed: int = Field(
        100,
        ge=1,
        description="entry pages fetched per feed and run, new ones first, newest first; the rest wait",
    )
    http_retries: int = Field(3, ge=0)
    http_backoff: float = Field(0.5, ge=0, description="base seconds of exponential backoff")
    http_max_bytes: int = Field(5_000_000, gt=0, description="largest body read")
    http_max_redirects: int = Field(5, ge=0)
    http_per_host_concurrency: int = Field(2, ge=1)
    http_per_host_delay: float = Field(0.5, ge=0, description="seconds between requests to one host")
    http_allow_private: bool = Field(False, description="allow private/loopback addresses (tests)")
    http_user_agent: str = Field("stancewatch/0.1 (+https://github.com/stancewatch/stancewatch)")
    respect_robots: bool = Field(True, description="honour robots.txt for pages")
    min_feed_text_chars: int = Field(400, ge=0, description="entry text long enough to stand in for a page")
    entry_retry_backoff: float = Field(
        3600.0, ge=0, description="seconds before a failed feed entry is tried again, doubling each time"
    )
    entry_max_attempts: int = Field(
        6, ge=1, description="tries of a feed entry before it is given up (stancewatch sources lists it)"
    )

    @property
    def digest_folder(self) -> Path:
        """Where this store's digests go: ``digest_dir``, else a folder beside the store named after it,
        so the digests of two stores (``--db other.duckdb``) never overwrite each other."""
        if self.digest_dir is not None:
            return self.digest_dir
        return self.db.with_name(f"{self.db.stem}-digests")


def get_settings(**overrides: object) -> Settings:
    """Settings from env and .env, with explicit overrides (CLI options) winning."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
