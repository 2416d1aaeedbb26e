"""Prefect flows: thin wiring of pipeline stages over batches.

Batch-sized task parameters travel in a ``Box``: otherwise Prefect walks every nested object of every
parameter (articles, sentences, claims) to find futures, which took 80% of a run's time here.

One task run per stage per batch of a few hundred articles (never one per article: each task run
costs milliseconds and the local server drops records past ~50/s). The DuckDB write connection is
opened only inside the store task, so a user's SQL session blocks a run for as long as a batch write.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import time
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache, partial
from multiprocessing import forkserver, get_context
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from pipeline import batch as batch_stage
from pipeline.dedupe import Deduplicator
from pipeline.digest import days_to_publish, publish
from pipeline.errors import InboxMissingError
from pipeline.fetch import FetchBatch, SourceSummary, fetch_sources
from pipeline.models import Article, DuplicateLink, ExtractionResult, RawDocument, ReadProblem
from pipeline.read import iter_folder
from pipeline.settings import Settings, get_settings
from pipeline.sources import Source, SourcesError, load_sources
from pipeline.store import reader, writer
from pipeline.store.fetchlog import load_entry_states, load_http_cache, save_after_documents, save_fetch_batch
from pipeline.store.read import days_with_articles, stale_days
from pipeline.store.write import (
    finish_run,
    known_dedupe_state,
    known_raw_hashes,
    save_batch,
    save_skipped,
    save_watchlist,
    start_run,
)
from pipeline.watchlist import Watchlist, load_watchlist

_std_log = logging.getLogger(__name__)

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    try:
        return get_run_logger()
    except Exception:  # called outside a run (plain function use)
        return _std_log


# ---- tasks: one per stage per batch ---------------------------------------------------------------


class Box(Generic[T]):
    """A value handed to a submitted task unopened: neither Prefect (which walks lists, tuples, dicts and
    dataclasses looking for futures) nor Dask (which walks them as graph arguments, and turned Prefect's
    ``quote``, a named tuple, into a plain tuple) looks inside a plain object."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def __getstate__(self) -> T:
        return self.value

    def __setstate__(self, value: T) -> None:
        self.value = value


@task(name="prepare-batch", cache_policy=NO_CACHE)
def prepare_task(
    documents: Box[list[RawDocument]],
    watchlist: Box[Watchlist | None],
    html_fallbacks: bool = False,
    undated_day: date | None = None,
) -> batch_stage.PreparedBatch:
    """Clean a batch and extract its claims: the CPU-bound work.

    With ``task_runner=processes`` the task runs in a thread and hands the work to the flow's process
    pool: Prefect's own ProcessPoolTaskRunner measured 6x slower here (each task run re-enters the
    engine in a subprocess), while the flow's pool forks its workers warm from a fork server (``cpu_pool``).
    """
    return _prepare_here(documents.value, watchlist.value, html_fallbacks, undated_day)


def _prepare_here(
    documents: list[RawDocument],
    watchlist: Watchlist | None,
    html_fallbacks: bool = False,
    undated_day: date | None = None,
) -> batch_stage.PreparedBatch:
    """The body of ``prepare_task``, apart so Dask pickles it by reference: the task's own function is
    pickled by value, and a ContextVar among its globals cannot be pickled."""
    pool = _CPU_POOL.get()
    if pool is None:
        return batch_stage.prepare_batch(
            documents, watchlist, html_fallbacks=html_fallbacks, undated_day=undated_day
        )
    # Split across the pool: with few batches (a small run, or a last partial batch) whole batches would
    # leave workers idle. Parts are taken as workers free up, the last ones short: pages differ in cost,
    # and one slow half kept the other worker idle for a tenth of a small run.
    parts = batch_stage.split_guided(documents, _CPU_POOL_SIZE.get())
    prepare = partial(
        batch_stage.prepare_batch, watchlist=watchlist, html_fallbacks=html_fallbacks, undated_day=undated_day
    )
    futures = [pool.submit(prepare, part) for part in parts]
    return batch_stage.merge_prepared([f.result() for f in futures])


_UNCHANGED = "unchanged: the same text is stored"


@dataclass(slots=True)
class _StoreJob:
    articles: list[Article]
    duplicates: list[tuple[Article, DuplicateLink]]
    extraction: ExtractionResult
    signatures: dict[str, bytes]
    skipped: list[tuple[str, str, str]]  # (raw hash, doc, reason) of inputs that gave no new article


def _write_batch(db: str, job: _StoreJob, run_id: str, lock_retries: int) -> dict[str, int]:
    with writer(db, retries=lock_retries) as con:
        counts = save_batch(
            con,
            articles=job.articles,
            duplicates=job.duplicates,
            extraction=job.extraction,
            run_id=run_id,
            signatures=job.signatures,
        )
        counts["skipped"] = save_skipped(con, job.skipped, run_id)
    return counts


@task(name="store-batch", cache_policy=NO_CACHE)
def store_task(db: str, job: Box[_StoreJob], run_id: str, lock_retries: int) -> dict[str, int]:
    """One batch's articles, copies, claims and skipped inputs, written by the flow's one writer."""
    return _write_batch(db, job.value, run_id, lock_retries)


@task(name="write-digests", cache_policy=NO_CACHE)
def digest_task(db: str, days: list[date], settings: Settings, run_id: str) -> list[str]:
    """Build, write (md + html), store and publish the digest of each day; return the file paths."""
    written = write_digests(db, days, settings=settings, run_id=run_id)
    # one artifact a day costs an API call (~20 ms): a backfill over years publishes only its last days
    published = set(days_to_publish((day for day, _, _ in written), settings.artifact_days))
    for day, markdown, _path in written:
        if day not in published:
            continue
        create_markdown_artifact(
            key=f"digest-{day.isoformat()}",
            markdown=markdown,
            description=f"stancewatch digest for {day.isoformat()}",
        )
    if written:
        day, markdown, _ = max(written, key=lambda w: w[0])
        create_markdown_artifact(key="daily-digest", markdown=markdown, description="latest daily digest")
    return [str(path) for _, _, path in written]


def write_digests(
    db: str, days: Sequence[date], *, settings: Settings, run_id: str | None
) -> list[tuple[date, str, Path]]:
    """Build each day's digest, write it as Markdown and HTML in the store's digest folder, store it in
    DuckDB and clear the day from the stale days (only once its files are written: a day whose files
    cannot be written stays stale, and the next run writes it)."""
    with writer(db, retries=settings.lock_retries) as con:
        return publish.write_digests(con, days, settings=settings, run_id=run_id)


# ---- the batch loop shared by every flow -----------------------------------------------------------


# The process pool of the running flow, when task_runner=processes (tasks run in threads of the flow's
# process and read it; a Dask worker sees None and works inline).
_CPU_POOL: ContextVar[ProcessPoolExecutor | None] = ContextVar("stancewatch_cpu_pool", default=None)
_CPU_POOL_SIZE: ContextVar[int] = ContextVar("stancewatch_cpu_pool_size", default=1)


# What the workers' fork server loads before forking any: the stage modules (trafilatura, lxml, numpy, the
# claim patterns: ~1 s of CPU to import) and their first-use state (~1 s more), which every worker
# spent again on its first batch of every run before.
_WORKER_MODULES = ("flows.cpu_worker",)


def _cpu_context() -> BaseContext:
    """How worker processes start: forked from a fork server that imported the worker modules once.

    Never a plain fork of the flow process: it runs Prefect's threads, and a fork copies their held locks.
    The fork server is a fresh single-threaded interpreter (started like spawn), so forking it is safe;
    each worker then starts warm in milliseconds instead of importing for a second, and the server lives
    as long as the flow process, so later runs in it (a served flow, the benchmark) start no imports.
    Spawn where there is no fork server (Windows).
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        return get_context("forkserver")
    return get_context("spawn")


def warm_cpu_pool(settings: Settings) -> bool:
    """Start the workers' fork server now, so its imports overlap what the flow does first (opening the
    store, reading, fetching). Returns False when the settings use no process pool or there is no fork
    server. Cheap to call again: a running server is kept."""
    if settings.task_runner != "processes":
        return False
    context = _cpu_context()
    if context.get_start_method() != "forkserver":
        return False
    # Takes effect when the server starts; the server imports these, then forks every worker from itself.
    context.set_forkserver_preload(list(_WORKER_MODULES))
    forkserver.ensure_running()  # returns at once: the server imports in its own process
    return True


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """A plain module stands in for ``__main__`` while the pool starts its workers.

    multiprocessing runs the program's main module again in every worker it starts (as ``__mp_main__``),
    so that functions defined there can be unpickled. The workers only run pipeline functions, and that
    re-run cost every worker of every run: 0.34 s of CPU where the main script is the ``stancewatch``
    command's (its runs, and ``serve``'s flow-run processes, which multiprocessing starts from it), which
    imports the CLI (typer, rich); 1.9 s plus 48 MB where it is ``prefect.engine`` (a run a Prefect
    worker starts for a work-pool deployment). The swap lasts as long as the workers' start (their
    preparation data is read then); the pool starts no worker later.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


@contextmanager
def cpu_pool(settings: Settings) -> Iterator[None]:
    """A process pool for the CPU-bound stages while the block runs (task_runner=processes only)."""
    if settings.task_runner != "processes" or _CPU_POOL.get() is not None:
        yield
        return
    warm_cpu_pool(settings)
    pool = ProcessPoolExecutor(settings.workers, mp_context=_cpu_context())
    # Workers are started at submits; start them all now, so their start overlaps what the run does before
    # its first batch is read (opening the store, reading files, Prefect's task-run bookkeeping).
    with _main_module_hidden():
        for _ in range(settings.workers):
            # Busy for a moment, so no worker is idle again before the next submit: the pool would give
            # that one the next job instead of starting another worker.
            pool.submit(time.sleep, 0.01)
    token, size_token = _CPU_POOL.set(pool), _CPU_POOL_SIZE.set(settings.workers)
    try:
        yield
    finally:
        _CPU_POOL.reset(token)
        _CPU_POOL_SIZE.reset(size_token)
        # Every result was collected (or the run failed): let the idle workers exit in the background
        # rather than wait for their interpreters to shut down (a third of a second here).
        pool.shutdown(wait=False, cancel_futures=True)


def task_runner_for(settings: Settings) -> TaskRunner[Any]:
    """The task runner the settings ask for: threads, processes (threads + a process pool), or Dask."""
    return _task_runner(*_runner_choice(settings))


def _runner_choice(settings: Settings) -> tuple[str, int, str | None]:
    """The settings a task runner is made from: its kind, the workers, a Dask scheduler's address."""
    return settings.task_runner, settings.workers, settings.dask_address


def _task_runner(kind: str, workers: int, dask_address: str | None) -> TaskRunner[Any]:
    if kind == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as exc:
            raise RuntimeError("task_runner=dask needs the extra: pip install 'stancewatch[dask]'") from exc
        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers})
    # With processes, a task thread only waits on the pool: one per batch of the window.
    threads = _window(workers) if kind == "processes" else workers
    return ThreadPoolTaskRunner(max_workers=threads)


def _window(workers: int) -> int:
    """Batches prepared ahead of the one being deduplicated and stored."""
    return 2 * workers


class _Pending(Protocol[T_co]):
    """A result that may still be computed: a Prefect or a concurrent.futures future."""

    def result(self) -> T_co: ...


_Prepare = Callable[[list[RawDocument], "Watchlist | None"], _Pending[batch_stage.PreparedBatch]]
_Store = Callable[[_StoreJob], dict[str, int]]


def first_seen_day(settings: Settings) -> date | None:
    """The day an undated article is given (today, UTC: the day this run first sees it), when the settings
    ask for it (``date_undated_by_first_seen``); otherwise None and it stays undated."""
    return datetime.now(UTC).date() if settings.date_undated_by_first_seen else None


def ingest_documents(
    items: Iterable[RawDocument | ReadProblem],
    *,
    settings: Settings,
    watchlist: Watchlist | None,
    run_id: str,
    known_raw: set[str],
) -> dict[str, Any]:
    """Stream documents through clean → dedupe → claims → store in batches; return run counts.

    Cleaning and claims run in the task runner's workers, a few batches ahead; deduplication and the
    store write follow in input order here, so one process writes and "first seen is canonical" holds.
    ``known_raw``: the raw fingerprints the store holds (``known_raw_hashes``), read in the store open that
    starts the run; it gains every batch this call stores, so the calls of one run share it.
    """
    db = str(settings.db)
    undated_day = first_seen_day(settings)

    def prepare(documents: list[RawDocument], wl: Watchlist | None) -> _Pending[batch_stage.PreparedBatch]:
        return prepare_task.submit(Box(documents), Box(wl), settings.html_fallbacks, undated_day)

    def store(job: _StoreJob) -> dict[str, int]:
        return store_task(db, Box(job), run_id, settings.lock_retries)

    return _ingest(
        items, settings=settings, watchlist=watchlist, known_raw=known_raw, prepare=prepare, store=store
    )


def ingest_documents_plain(
    items: Iterable[RawDocument | ReadProblem],
    *,
    settings: Settings,
    watchlist: Watchlist | None,
    run_id: str,
    known_raw: set[str],
) -> dict[str, Any]:
    """The same work as ``ingest_documents`` as plain calls, no Prefect task runs (the benchmark's
    measure of Prefect's share). Call it inside ``cpu_pool(settings)`` to use worker processes."""
    db = str(settings.db)
    undated_day = first_seen_day(settings)
    # Threads in place of the task runner's, running the task's own body (pool split included).
    with ThreadPoolExecutor(_window(settings.workers), thread_name_prefix="stancewatch-prepare") as threads:

        def prepare(
            documents: list[RawDocument], wl: Watchlist | None
        ) -> _Pending[batch_stage.PreparedBatch]:
            return threads.submit(
                copy_context().run, _prepare_here, documents, wl, settings.html_fallbacks, undated_day
            )

        def store(job: _StoreJob) -> dict[str, int]:
            return _write_batch(db, job, run_id, settings.lock_retries)

        return _ingest(
            items, settings=settings, watchlist=watchlist, known_raw=known_raw, prepare=prepare, store=store
        )


def _ingest(
    items: Iterable[RawDocument | ReadProblem],
    *,
    settings: Settings,
    watchlist: Watchlist | None,
    known_raw: set[str],
    prepare: _Prepare,
    store: _Store,
) -> dict[str, Any]:
    logger = _logger()
    db = str(settings.db)
    seeded: list[Deduplicator] = []

    def deduplicator() -> Deduplicator:
        """Seeded with what the store holds once the first new batch is handed to the workers, while they
        prepare it: a run with nothing new (most of a re-run's documents are skipped by their raw hash)
        never loads every signature."""
        if not seeded:
            seeded.append(Deduplicator(threshold=settings.near_duplicate_threshold))
            with writer(db, retries=settings.lock_retries) as con:
                for article_id, content_hash, canonical_url, signature, published in known_dedupe_state(con):
                    seeded[0].add_known(article_id, content_hash, canonical_url, signature, published)
        return seeded[0]

    totals = _empty_totals()
    in_flight: deque[tuple[batch_stage.Intake, _Pending[batch_stage.PreparedBatch]]] = deque()
    # The store write of one batch (mostly waiting on DuckDB's file I/O, which frees the GIL) overlaps
    # the deduplication of the next. One writer thread keeps the writes in input order, and at most one
    # write is pending, so a batch stores only after every earlier one.
    storing: list[tuple[Future[dict[str, int]], int, int]] = []

    def collect_store() -> None:
        while storing:
            pending, documents, duplicates = storing.pop()
            counts = pending.result()
            totals["articles"] += counts.get("articles", 0)
            totals["duplicates"] += counts.get("duplicates", 0)
            totals["claims"] += counts.get("claims", 0)
            totals["occurrences"] += counts.get("claim_occurrences", 0)
            logger.info(
                "batch: %d documents, %d new articles, %d duplicates, %d new claims",
                documents,
                counts.get("articles", 0),
                duplicates,
                counts.get("claims", 0),
            )

    def finish(
        intake: batch_stage.Intake,
        future: _Pending[batch_stage.PreparedBatch],
        store_thread: ThreadPoolExecutor,
    ) -> None:
        prepared = future.result()
        totals["problems"].extend(prepared.problems)
        dedupe = deduplicator()
        result = dedupe.process(prepared.articles, prepared.signed)
        canonical = list(result.canonical)
        extraction = batch_stage.merge_extractions(
            prepared.extractions[a.article_id] for a in canonical if a.article_id in prepared.extractions
        )
        signatures = {a.article_id: dedupe.signature_bytes(a.article_id) for a in canonical}
        skipped = {problem.path: problem.reason for problem in prepared.problems}
        # The same document with the same text as a stored article (a page whose markup changed, say) is
        # that article, neither new nor a copy; its input's fingerprint is kept with the skipped inputs',
        # or every later run would extract it again to find that out.
        kept = {a.article_id for a in canonical} | {copy.article_id for copy, _ in result.duplicates}
        unchanged = [a.doc for a in prepared.articles if a.article_id not in kept]
        skipped.update((doc, _UNCHANGED) for doc in unchanged)
        totals["already_stored"] += len(unchanged)
        job = _StoreJob(
            canonical,
            list(result.duplicates),
            extraction,
            {k: v for k, v in signatures.items() if v is not None},
            [
                (intake.fingerprints[doc], doc, reason)
                for doc, reason in skipped.items()
                if doc in intake.fingerprints
            ],
        )
        collect_store()
        storing.append(
            (store_thread.submit(copy_context().run, store, job), len(intake.documents), len(job.duplicates))
        )
        # Stored without a date: in no day's digest (the run's summary says how many).
        totals["undated"] += sum(1 for a in canonical if a.published is None)
        totals["undated"] += sum(1 for copy, _ in result.duplicates if copy.published is None)
        known_raw.update(intake.fingerprints.values())

    def prepare_then_seed(
        documents: list[RawDocument], wl: Watchlist | None
    ) -> _Pending[batch_stage.PreparedBatch]:
        pending = prepare(documents, wl)
        deduplicator()  # loads the store's signatures once, here, off the path that waits for workers
        return pending

    with cpu_pool(settings), ThreadPoolExecutor(1, thread_name_prefix="stancewatch-store") as store_thread:
        try:
            _ingest_loop(
                items,
                settings,
                watchlist,
                known_raw,
                totals,
                in_flight,
                prepare_then_seed,
                partial(finish, store_thread=store_thread),
            )
        finally:
            collect_store()
    for problem in totals["problems"]:
        logger.warning("skipped %s: %s", problem.path, problem.reason)
    return totals


def _ingest_loop(
    items: Iterable[RawDocument | ReadProblem],
    settings: Settings,
    watchlist: Watchlist | None,
    known_raw: set[str],
    totals: dict[str, Any],
    in_flight: deque[tuple[batch_stage.Intake, _Pending[batch_stage.PreparedBatch]]],
    prepare: _Prepare,
    finish: Callable[[batch_stage.Intake, _Pending[batch_stage.PreparedBatch]], None],
) -> None:
    for chunk in batch_stage.batched(items, settings.batch_size, settings.batch_chars):
        intake = batch_stage.split_new(chunk, known_raw)
        totals["read"] += len(chunk) - len(intake.problems)
        totals["already_stored"] += intake.already_stored
        totals["problems"].extend(intake.problems)
        if intake.documents:
            in_flight.append((intake, prepare(intake.documents, watchlist)))
        # A bounded window: memory holds a few batches, never the corpus, and each worker has a batch
        # queued behind the one it works on, so it never waits while a task run's states are recorded.
        while len(in_flight) > _window(settings.workers):
            finish(*in_flight.popleft())
    while in_flight:
        finish(*in_flight.popleft())


def _digest_days(db: str, all_days: bool, lock_retries: int) -> list[date]:
    """Days whose digest must be (re)written: every stale day (marked by the batches that changed it, in
    this run or in one that stopped before writing its digests), or every day with articles."""
    with reader(db, retries=lock_retries) as con:
        return days_with_articles(con) if all_days else stale_days(con)


def _summary(totals: dict[str, Any], digests: Sequence[str]) -> dict[str, Any]:
    return {
        "read": totals["read"],
        "already_stored": totals["already_stored"],
        "skipped": [{"path": p.path, "reason": p.reason} for p in totals["problems"]],
        "new_articles": totals["articles"],
        "duplicates": totals["duplicates"],
        "new_claims": totals["claims"],
        "new_occurrences": totals["occurrences"],
        "undated": totals["undated"],
        "digests": list(digests),
    }


def with_runner(flow_obj: Any, settings: Settings) -> Any:
    """The flow with the task runner the settings ask for (flows are defined with the default)."""
    return _flow_with_runner(flow_obj, *_runner_choice(settings))


# Kept per flow and runner: a copy of a flow builds its parameters' JSON schema (~20 ms at the start of
# every run), and a run never uses the kept runner itself, only a duplicate Prefect makes at its start.
@lru_cache(maxsize=32)
def _flow_with_runner(flow_obj: Any, kind: str, workers: int, dask_address: str | None) -> Any:
    return flow_obj.with_options(task_runner=_task_runner(kind, workers, dask_address))


@contextmanager
def flow_run_heartbeats(on: bool) -> Iterator[None]:
    """Prefect's flow-run heartbeats as configured (on), or off for the flow runs started in the block.

    Off for runs this process starts itself (the CLI's ingest, run and demo; the benchmark): Prefect 3.8
    sends a heartbeat every 180 s by default from a thread that sleeps in one-second steps and is joined
    when the run ends, so every run's wall time rounds up to the next second (a re-run with nothing new
    took 1.1 s instead of 0.4 s). Heartbeats let the server mark a run whose process died as crashed
    (zombie-run detection, an automation on missing heartbeats); a run in the user's terminal shows its
    own crash. Served deployments (``flows.serve``) keep Prefect's setting: nobody watches a scheduled
    run, so it is the one detection must catch, and a second costs nothing in a daily run.
    """
    if on:
        yield
        return
    from prefect.context import SettingsContext, get_settings_context

    # The current settings with the one field changed, entered as ``temporary_settings`` enters its own:
    # ``temporary_settings`` rebuilds and validates every Prefect setting from the environment (~0.05 s,
    # at the start of every run), where a copy of two models takes microseconds.
    context = get_settings_context()
    current = context.settings
    flows = current.flows.model_copy(update={"heartbeat_frequency": None})
    with SettingsContext(profile=context.profile, settings=current.model_copy(update={"flows": flows})):
        yield


def run_locally(flow_obj: Any, settings: Settings, /, *args: Any, **kwargs: Any) -> Any:
    """Run a flow in this process as the CLI does: the workers' fork server started first (its imports
    overlap Prefect's start-up and the run's first steps), the settings' task runner, and heartbeats
    per ``settings.prefect_heartbeats``."""
    warm_cpu_pool(settings)
    with flow_run_heartbeats(settings.prefect_heartbeats):
        return with_runner(flow_obj, settings)(*args, **kwargs)


# ---- flows ----------------------------------------------------------------------------------------


@flow(name="stancewatch-ingest", log_prints=True)
def ingest_flow(path: str, settings: Settings | None = None, all_digests: bool = False) -> dict[str, Any]:
    """Read a folder or file of articles into the store and write the digests of the days it touched."""
    settings = settings or get_settings()
    warm_cpu_pool(settings)  # the workers' imports overlap opening the store and reading the folder
    watchlist = load_watchlist(settings.watchlist) if settings.watchlist else None
    db = str(settings.db)
    with writer(db, retries=settings.lock_retries) as con:
        run_id = start_run(con, "ingest")
        if watchlist is not None:
            save_watchlist(con, watchlist.canonical_actors(), watchlist.alias_rows(), watchlist.topic_rows())
        known_raw = known_raw_hashes(con)
    status = "failed"
    totals: dict[str, Any] = {}
    digests: list[str] = []
    try:
        totals = ingest_documents(
            iter_folder(Path(path), defer_html=True),
            settings=settings,
            watchlist=watchlist,
            run_id=run_id,
            known_raw=known_raw,
        )
        days = _digest_days(db, all_digests, settings.lock_retries)
        digests = digest_task(db, days, settings, run_id) if days else []
        status = "completed"
    finally:
        with writer(db, retries=settings.lock_retries) as con:
            finish_run(con, run_id, status, _summary(totals, digests) if totals else {})
    return _summary(totals, digests)


@task(name="fetch-sources", cache_policy=NO_CACHE)
def fetch_task(sources: list[Source], settings: Settings, run_id: str) -> FetchBatch:
    """Every enabled source in one task; the HTTP client retries per URL (a task retry would refetch all)."""
    with writer(str(settings.db), retries=settings.lock_retries) as con:
        cache = load_http_cache(con)
        entry_states = load_entry_states(con)
    return fetch_sources(
        sources, settings, cache, run_id, entry_states=entry_states, max_workers=max(4, settings.workers * 2)
    )


def _source_watchlists(
    sources: Sequence[Source], default: Path | None
) -> tuple[dict[Path | None, Watchlist | None], dict[str, str]]:
    """The watchlist of each enabled source's group, loaded before fetching, and the sources whose own
    watchlist cannot be loaded (name → why): those fail alone, unfetched, and the other groups go on."""
    loaded: dict[Path | None, Watchlist | None] = {}
    broken: dict[Path, str] = {}
    unusable: dict[str, str] = {}
    for source in sources:
        if not source.enabled:
            continue
        path = source.watchlist or default
        if path in loaded:
            continue
        if path in broken:
            unusable[source.name] = broken[path]
            continue
        try:
            loaded[path] = load_watchlist(path) if path else None
        except Exception as exc:  # missing file, bad TOML: the watchlist loader names the problem
            if path == default or path is None:
                raise  # the run's own watchlist: every group needs it, as an ingest does
            broken[path] = f"watchlist {path} cannot be used: {exc}"
            unusable[source.name] = broken[path]
    return loaded, unusable


def _unusable_summary(source: Source, why: str) -> SourceSummary:
    return SourceSummary(
        name=source.name, kind=source.kind, url=source.display_url, status="failed", failed=1, error=why
    )


def _group_by_watchlist(
    documents: Sequence[RawDocument], sources: Sequence[Source], default: Path | None
) -> dict[Path | None, list[RawDocument]]:
    """Documents grouped by the watchlist their source asks for (the default when it names none)."""
    by_name = {s.name: s.watchlist or default for s in sources}
    groups: dict[Path | None, list[RawDocument]] = {}
    for doc in documents:
        groups.setdefault(by_name.get(doc.source or "", default), []).append(doc)
    return groups


@flow(name="stancewatch-daily", log_prints=True)
def daily_flow(
    db: str | None = None,
    sources: str | None = None,
    watchlist: str | None = None,
    inbox: str | None = None,
) -> dict[str, Any]:
    """The daily run: fetch every enabled source, ingest the inbox folder, write the digests.

    Parameters override the settings (env / .env); a scheduled run passes none.
    """
    settings = get_settings(db=db, sources=sources, watchlist=watchlist, inbox=inbox)
    if settings.inbox is not None and not settings.inbox.is_dir():
        raise InboxMissingError(settings.inbox)  # a scheduled run with a wrong inbox fails, not succeeds
    warm_cpu_pool(settings)  # the workers' imports overlap the fetch
    logger = _logger()
    db_path = str(settings.db)
    with writer(db_path, retries=settings.lock_retries) as con:
        run_id = start_run(con, "daily")
        known_raw = known_raw_hashes(con)  # shared by the watchlist groups: each stored batch joins it
    status = "failed"
    totals: dict[str, Any] = {}
    summaries: tuple[SourceSummary, ...] = ()
    digests: list[str] = []
    try:
        declared: list[Source] = []
        if settings.sources.exists():
            try:
                declared = load_sources(settings.sources)
            except SourcesError as exc:
                logger.error("%s", exc)
        else:
            logger.warning(
                "no sources file at %s: nothing to fetch (see examples/sources.toml)", settings.sources
            )
        batches: list[tuple[Watchlist | None, Iterable[RawDocument | ReadProblem]]] = []
        fetched: FetchBatch | None = None
        watchlists, unusable = _source_watchlists(declared, settings.watchlist)
        for name, why in unusable.items():
            logger.error("%s: %s; the source is not fetched this run", name, why)
        fetchable = [s for s in declared if s.name not in unusable]
        if any(s.enabled for s in fetchable):
            fetched = fetch_task(fetchable, settings, run_id)
        unfetched = tuple(_unusable_summary(s, unusable[s.name]) for s in declared if s.name in unusable)
        if fetched is not None or unfetched:
            fetched = fetched or FetchBatch(run_id, (), (), (), ())
            fetched = replace(fetched, summaries=fetched.summaries + unfetched)
            summaries = fetched.summaries
            with writer(db_path, retries=settings.lock_retries) as con:
                save_fetch_batch(con, fetched, include_cache=False)
            for path, docs in _group_by_watchlist(fetched.documents, declared, settings.watchlist).items():
                batches.append((watchlists[path], docs))
        if settings.inbox is not None:
            default = load_watchlist(settings.watchlist) if settings.watchlist else None
            batches.append((default, iter_folder(settings.inbox, defer_html=True)))
        totals = _empty_totals()
        for wl, items in batches:
            if wl is not None:
                with writer(db_path, retries=settings.lock_retries) as con:
                    save_watchlist(con, wl.canonical_actors(), wl.alias_rows(), wl.topic_rows())
            _merge_totals(
                totals,
                ingest_documents(items, settings=settings, watchlist=wl, run_id=run_id, known_raw=known_raw),
            )
        if fetched is not None:
            # Only now: a crash before the documents were stored refetches them instead of skipping them.
            with writer(db_path, retries=settings.lock_retries) as con:
                save_after_documents(con, fetched)
        days = _digest_days(db_path, False, settings.lock_retries)
        digests = digest_task(db_path, days, settings, run_id) if days else []
        status = "completed"
    finally:
        summary = _summary(totals, digests) if totals else {}
        summary["sources"] = [_source_row(s) for s in summaries]
        with writer(db_path, retries=settings.lock_retries) as con:
            finish_run(con, run_id, status, summary)
    for row in summary["sources"]:
        logger.info(
            "%s: %s (new %d, unchanged %d, failed %d)%s",
            row["name"],
            row["status"],
            row["new"],
            row["unchanged"],
            row["failed"],
            f": {row['error']}" if row["error"] else "",
        )
    return summary


def _source_row(s: SourceSummary) -> dict[str, Any]:
    return {
        "name": s.name,
        "kind": s.kind,
        "url": s.url,
        "status": s.status,
        "new": s.new,
        "unchanged": s.unchanged,
        "failed": s.failed,
        "deferred": s.deferred,
        "error": s.error,
    }


def _empty_totals() -> dict[str, Any]:
    return {
        "read": 0,
        "already_stored": 0,
        "problems": [],
        "articles": 0,
        "duplicates": 0,
        "claims": 0,
        "occurrences": 0,
        "undated": 0,
    }


def _merge_totals(into: dict[str, Any], more: dict[str, Any]) -> None:
    for key, value in more.items():
        if isinstance(value, set):
            into[key] |= value
        else:
            into[key] += value
