"""The speed benchmark: stancewatch end to end through its Prefect flow, next to the floors it sits on.

    .venv/bin/python bench/run.py                         # everything (~10 min on 2 cores)
    .venv/bin/python bench/run.py --only text --limit 500 # one part, small, while iterating
    .venv/bin/python bench/run.py --only reuters --reuters-sizes 1000,5000

Parts (``--only`` takes one or more, comma-separated):

- ``text``: news-2017 (3,824 articles) through a flow that runs ``flows.daily.ingest_documents``
  (as ``ingest_flow`` does) into a fresh DuckDB file; the same work as plain calls
  (``ingest_documents_plain``, no Prefect task runs) for Prefect's share of the wall time; per-stage
  CPU seconds from a single-process pass of plain functions; the tokenisation floor (a regex word
  split over the same texts).
- ``rerun``: the same flow again over the same corpus and store: nothing is new.
- ``reuters``: the scaling curve over Reuters-21578 (1k, 5k, 10k, 19k stories by default), peak memory,
  and Prefect's share at 10k.
- ``html``: the Zyte pages (real article HTML) written to a folder and ingested through the flow, as a
  user's folder of pages is, single process and with the worker pool; trafilatura alone over the same
  pages is the floor.
- ``digest``: one day's digest over a generated store of 1M claims (``bench/digest_store.py``).

Prints a table and writes ``bench/results/latest.json`` (top-level keys: text_articles_per_s,
rerun_ratio, html_ratio_vs_trafilatura, digest_1m_claims_s, peak_rss_mb, prefect_share, stages, and
one section per part). Prefect runs in local mode: a temporary PREFECT_HOME, no telemetry; flows start
as the CLI starts them (``flows.daily.run_locally``: flow-run heartbeats off unless
``--prefect-heartbeats on``). The machine may be shared: CPU seconds are steadier than wall seconds;
with ``--repeat``, throughput figures keep the best run, while ratios to a reference (trafilatura alone,
the same work without Prefect) are taken per round, the reference timed just before or after (around,
for the HTML part, which runs ``--html-rounds`` rounds), and the median round's is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.loaders import CORPUS, news2017, reuters, zyte_pages  # noqa: E402
from pipeline.models import RawDocument, ReadProblem  # noqa: E402

RESULTS = REPO / "bench" / "results"
PARTS = ("text", "rerun", "reuters", "html", "digest")
_WORD = re.compile(r"\w+")


def local_prefect() -> None:
    """Prefect in local mode: its own temporary home and ephemeral server, no telemetry, quiet logs.

    Must run before Prefect is imported.
    """
    os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="stancewatch-bench-prefect-")
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.pop("PREFECT_API_URL", None)
    for key in [k for k in os.environ if k.startswith("STANCEWATCH_")]:
        del os.environ[key]  # the benchmark's settings are its own, never a developer's .env


# ---- measuring ------------------------------------------------------------------------------------


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its descendants but the Prefect server, including the exited
    ones their parents reaped: the pool workers (children of their fork server, which outlives a run),
    the fork server's imports. Take the difference of two readings."""
    t = os.times()
    own = t.user + t.system + t.children_user + t.children_system
    me = os.getpid()
    return own + sum(
        with_reaped
        for pid, _rss, cmd, _cpu, with_reaped in _proc_tree()
        if pid != me and not _is_prefect_server(cmd)
    )


def _proc_tree() -> list[tuple[int, int, str, float, float]]:
    """(pid, RSS bytes, command line, CPU seconds, CPU seconds with its reaped children's) of this process
    and its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    reaped: dict[int, float] = {}
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
            reaped[int(entry.name)] = (int(fields[13]) + int(fields[14])) / ticks  # cutime + cstime
        except (OSError, IndexError, ValueError):
            continue
    tree = {os.getpid()}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    page = os.sysconf("SC_PAGE_SIZE")
    rows = []
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                rss = int(f.read().split()[1]) * page
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except (OSError, IndexError, ValueError):
            continue
        own = cpu.get(pid, 0.0)
        rows.append((pid, rss, cmd, own, own + reaped.get(pid, 0.0)))
    return rows


def _pss_bytes(pid: int) -> int:
    """Proportional set size: shared pages split among the processes sharing them. Workers forked from
    the fork server share its imported modules, which a sum of RSS would count once per worker."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _is_prefect_server(cmd: str) -> bool:
    return "uvicorn" in cmd or "prefect.server" in cmd or "prefect server" in cmd


class RssSampler(AbstractContextManager["RssSampler"]):
    """Peak summed RSS of this process and its descendants while the block runs, sampled 5 times a second.

    ``peak_mb`` is the pipeline's processes (the flow process and its worker pool); the ephemeral Prefect
    server, a descendant too, is reported apart as ``server_peak_mb``. With ``pss``, ``peak_pss_mb`` is
    the pipeline's proportional set size, read at each new RSS high.
    """

    def __init__(self, interval: float = 0.2, *, pss: bool = True) -> None:
        self.interval = interval
        self.pss = pss
        self._rss_at_pss = 0  # the pipeline's summed RSS when its PSS was last read
        self.peak_mb = 0.0
        self.peak_pss_mb = 0.0  # the same processes' proportional set size (shared pages counted once)
        self.server_peak_mb = 0.0
        self.server_cpu_s = 0.0  # CPU seconds the Prefect server spent while the block ran
        self._server_cpu_start: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        pipeline = server = 0
        pipeline_pids = []
        server_cpu = 0.0
        for pid, rss, cmd, cpu, _ in _proc_tree():
            if _is_prefect_server(cmd):
                server += rss
                server_cpu += cpu
            else:
                pipeline += rss
                pipeline_pids.append(pid)
        self.peak_mb = max(self.peak_mb, pipeline / 2**20)
        # PSS only when RSS reaches a new high (2% over the last PSS reading), where peak PSS lies: the
        # kernel walks a process's page tables to sum it (~10 ms per 400 MB process), and read five times
        # a second from every process it took a tenth of a core from the run being timed.
        if self.pss and pipeline > self._rss_at_pss * 1.02:
            self._rss_at_pss = pipeline
            pss = sum(_pss_bytes(pid) for pid in pipeline_pids)
            self.peak_pss_mb = max(self.peak_pss_mb, pss / 2**20)
        self.server_peak_mb = max(self.server_peak_mb, server / 2**20)
        if self._server_cpu_start is None:
            self._server_cpu_start = server_cpu
        self.server_cpu_s = server_cpu - self._server_cpu_start

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> RssSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


@dataclass(slots=True)
class Timed:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    prefect_server_rss_mb: float = 0.0
    prefect_server_cpu_s: float = 0.0
    result: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "wall_s": round(self.wall_s, 3),
            "cpu_s": round(self.cpu_s, 3),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "peak_pss_mb": round(self.peak_pss_mb, 1),
            "prefect_server_rss_mb": round(self.prefect_server_rss_mb, 1),
            "prefect_server_cpu_s": round(self.prefect_server_cpu_s, 2),
        }


def timed(work: Callable[[], Any], *, pss: bool = True) -> Timed:
    """Wall and CPU seconds of ``work``, and its peak memory (``pss``: proportional set size too)."""
    with RssSampler(pss=pss) as rss:
        cpu, wall = _cpu_seconds(), time.perf_counter()
        result = work()
        wall, cpu = time.perf_counter() - wall, _cpu_seconds() - cpu
    return Timed(wall, cpu, rss.peak_mb, rss.peak_pss_mb, rss.server_peak_mb, rss.server_cpu_s, result)


# ---- the runs -------------------------------------------------------------------------------------


Loader = Callable[[], Iterable[RawDocument | ReadProblem]]


def settings_for(
    db: Path, task_runner: str, workers: int, batch_size: int, heartbeats: bool | None = None
) -> Any:
    """The run's settings; ``heartbeats`` None: Prefect's flow-run heartbeats as the CLI has them by
    default (``prefect_heartbeats``, off)."""
    from pipeline.settings import get_settings

    return get_settings(
        db=db,
        digest_dir=db.parent / "digests",
        task_runner=task_runner,
        workers=workers,
        batch_size=batch_size,
        watchlist=None,
        prefect_heartbeats=heartbeats,
    )


def _bench_flow() -> Any:
    """A flow that ingests from a loader exactly as ``ingest_flow`` ingests a folder (without digests).

    Built on demand: the spawned pool workers import this module and need no Prefect.
    """
    from prefect import flow

    from flows.daily import _summary, ingest_documents, warm_cpu_pool
    from pipeline.store import finish_run, known_raw_hashes, start_run, writer

    @flow(name="stancewatch-bench-ingest", log_prints=True, validate_parameters=False)
    def bench_ingest(loader: Loader, settings: Any) -> dict[str, Any]:
        warm_cpu_pool(settings)
        db = str(settings.db)
        with writer(db) as con:
            run_id = start_run(con, "bench")
            known_raw = known_raw_hashes(con)
        totals = ingest_documents(
            loader(), settings=settings, watchlist=None, run_id=run_id, known_raw=known_raw
        )
        with writer(db) as con:
            finish_run(con, run_id, "completed", _summary(totals, []))
        return _summary(totals, [])

    return bench_ingest


_FLOW: Any = None


def run_flow(loader: Loader, settings: Any, *, pss: bool = True) -> Timed:
    """The loader's documents through the Prefect flow, started as the CLI starts its flows
    (``run_locally``: the workers' fork server first, the settings' task runner and heartbeats);
    ``pss``: measure peak PSS too (see ``RssSampler``)."""
    global _FLOW
    from prefect.utilities.annotations import quote

    from flows.daily import run_locally

    if _FLOW is None:
        _FLOW = _bench_flow()
    return timed(lambda: run_locally(_FLOW, settings, quote(loader), settings), pss=pss)


def run_plain(loader: Loader, settings: Any) -> Timed:
    """The same ingest as plain function calls on the same worker pool: no Prefect at all."""
    from flows.daily import cpu_pool, ingest_documents_plain
    from pipeline.store import known_raw_hashes, start_run, writer

    def work() -> dict[str, Any]:
        with writer(str(settings.db)) as con:
            run_id = start_run(con, "bench-plain")
            known_raw = known_raw_hashes(con)
        with cpu_pool(settings):
            return ingest_documents_plain(
                loader(), settings=settings, watchlist=None, run_id=run_id, known_raw=known_raw
            )

    return timed(work)


def warm_up_prefect(tmp: Path) -> float:
    """Start the ephemeral Prefect server with a one-document run, outside every timed run."""
    started = time.perf_counter()
    settings = settings_for(tmp / "warmup.duckdb", "threads", 1, 10)
    run_flow(lambda: news2017(limit=3) if (CORPUS / "news-2017").exists() else [], settings)
    return time.perf_counter() - started


def stage_costs(loader: Loader, batch_size: int) -> dict[str, dict[str, float]]:
    """CPU and wall seconds of each stage called as plain functions in this one process, batch by batch."""
    from pipeline.batch import batched, clean_batch, extract_each, merge_extractions, split_new
    from pipeline.dedupe import Deduplicator, signatures
    from pipeline.store import start_run, writer
    from pipeline.store.write import save_batch

    cpu = dict.fromkeys(("read", "clean", "signatures", "claims", "dedupe", "store"), 0.0)
    wall = dict.fromkeys(cpu, 0.0)

    @contextmanager
    def clock(stage: str) -> Iterator[None]:
        c, w = time.process_time(), time.perf_counter()
        yield
        cpu[stage] += time.process_time() - c
        wall[stage] += time.perf_counter() - w

    with tempfile.TemporaryDirectory(prefix="stancewatch-bench-") as tmp:
        db = str(Path(tmp) / "stages.duckdb")
        with writer(db) as con:
            run_id = start_run(con, "bench-stages")
        deduplicator = Deduplicator()
        chunks = batched(loader(), batch_size)
        while True:
            with clock("read"):
                chunk = next(chunks, None)
            if chunk is None:
                break
            intake = split_new(chunk, set())
            with clock("clean"):
                articles, _ = clean_batch(intake.documents)
            with clock("signatures"):
                signed = signatures([a.text for a in articles])
            with clock("claims"):
                extractions = extract_each(articles, None)
            with clock("dedupe"):
                result = deduplicator.process(articles, signed)
            with clock("store"):
                canonical = list(result.canonical)
                sigs = {a.article_id: deduplicator.signature_bytes(a.article_id) for a in canonical}
                extraction = merge_extractions(extractions[a.article_id] for a in canonical)
                with writer(db) as con:
                    save_batch(
                        con,
                        articles=canonical,
                        duplicates=list(result.duplicates),
                        extraction=extraction,
                        run_id=run_id,
                        signatures={k: v for k, v in sigs.items() if v is not None},
                    )
    total = sum(cpu.values())
    return {
        stage: {
            "cpu_s": round(cpu[stage], 3),
            "wall_s": round(wall[stage], 3),
            "share": round(cpu[stage] / total, 3),
        }
        for stage in cpu
    }


def tokenisation_floor(loader: Loader) -> tuple[float, int]:
    """Seconds to split every text of the loader into words with one regex (reading excluded), words."""
    texts = [doc.text for doc in loader() if isinstance(doc, RawDocument)]
    started = time.process_time()
    words = sum(len(_WORD.findall(text)) for text in texts)
    return time.process_time() - started, words


# ---- parts ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    parts: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        print(line, flush=True)
        self.lines.append(line)


def _best(runs: list[Timed]) -> Timed:
    return min(runs, key=lambda t: t.wall_s)


def _wall_difference(flow: Timed, plain: Timed) -> float:
    """What the flow run took beyond the same work without Prefect, as a share of its wall time: negative
    when the VM's noise (±10% between runs of the same work) exceeds Prefect's cost."""
    return (flow.wall_s - plain.wall_s) / flow.wall_s


def _share(flow: Timed, plain: Timed) -> float:
    """Prefect's share of a flow run's wall time: what the same work without Prefect did not take."""
    return max(0.0, _wall_difference(flow, plain))


def _cpu_share(flow: Timed, plain: Timed) -> float:
    """Prefect's share of a flow run's CPU (its processes and Prefect's server): a cross-check of the wall
    time share that the VM's noise moves less."""
    spent = flow.cpu_s + flow.prefect_server_cpu_s
    return max(0.0, spent - plain.cpu_s - plain.prefect_server_cpu_s) / spent


def _median_index(values: list[float]) -> int:
    """The index of the median value (the lower of the two middle ones for an even count)."""
    return sorted(range(len(values)), key=values.__getitem__)[(len(values) - 1) // 2]


def _median_share(
    flows: list[Timed], plains: list[Timed], share: Callable[[Timed, Timed], float] = _share
) -> float:
    """The median of the shares of runs paired in order (one flow run and one plain run per round)."""
    shares = [share(f, p) for f, p in zip(flows, plains, strict=True)]
    return round(shares[_median_index(shares)], 3)


def _share_note(flows: list[Timed], plains: list[Timed]) -> str:
    """The median share of wall time, each round's difference and the share of CPU, for the report."""
    rounds = ", ".join(f"{_wall_difference(f, p):+.0%}" for f, p in zip(flows, plains, strict=True))
    return (
        f"Prefect share {_median_share(flows, plains):.0%} of wall time (rounds {rounds}), "
        f"{_median_share(flows, plains, _cpu_share):.0%} of CPU"
    )


def part_text(args: argparse.Namespace, tmp: Path, report: Report) -> None:
    limit = args.limit

    def loader() -> Iterator[RawDocument]:
        return news2017(limit=limit)

    n = sum(1 for _ in loader())
    first_runs, rerun_runs, plain_runs = [], [], []
    for i in range(args.repeat):
        db = tmp / f"text-{i}.duckdb"
        settings = settings_for(db, args.task_runner, args.workers, args.batch_size, args.heartbeats)
        first_runs.append(run_flow(loader, settings))
        if "rerun" in args.parts:
            rerun_runs.append(run_flow(loader, settings))
        plain_settings = settings_for(
            tmp / f"text-plain-{i}.duckdb", args.task_runner, args.workers, args.batch_size, args.heartbeats
        )
        plain_runs.append(run_plain(loader, plain_settings))
    first, plain = _best(first_runs), _best(plain_runs)
    summary = first.result
    section: dict[str, Any] = {
        "articles": n,
        "task_runner": args.task_runner,
        "workers": args.workers,
        "batch_size": args.batch_size,
        "flow": first.as_dict(),
        "flow_runs_wall_s": [round(t.wall_s, 3) for t in first_runs],
        "plain": plain.as_dict(),
        "plain_runs_wall_s": [round(t.wall_s, 3) for t in plain_runs],
        "articles_per_s": round(n / first.wall_s, 1),
        # Each round's flow and plain runs are minutes apart at most, the best runs maybe not: the share is
        # the median round's.
        "prefect_share": _median_share(first_runs, plain_runs),
        "prefect_share_best_runs": round(_share(first, plain), 3),
        "prefect_cpu_share": _median_share(first_runs, plain_runs, _cpu_share),
        "new_articles": summary["new_articles"],
        "new_claims": summary["new_claims"],
    }
    report.say(
        f"text   news-2017 {n} articles: flow {first.wall_s:.1f}s ({n / first.wall_s:.0f}/s, "
        f"cpu {first.cpu_s:.1f}s + Prefect server {first.prefect_server_cpu_s:.1f}s, "
        f"peak {first.peak_rss_mb:.0f} MB), plain {plain.wall_s:.1f}s (cpu {plain.cpu_s:.1f}s): "
        f"{_share_note(first_runs, plain_runs)}; "
        f"{summary['new_articles']} articles, {summary['new_claims']} claims"
    )
    if rerun_runs:
        rerun = _best(rerun_runs)
        section["rerun"] = {
            **rerun.as_dict(),
            "ratio": round(rerun.wall_s / first.wall_s, 3),
            "already_stored": rerun.result["already_stored"],
            "new_articles": rerun.result["new_articles"],
        }
        report.say(
            f"rerun  nothing new: {rerun.wall_s:.2f}s = {rerun.wall_s / first.wall_s:.1%} of the first run "
            f"({rerun.result['already_stored']} skipped before cleaning, {rerun.result['new_articles']} new)"
        )
    if not args.no_stages:
        stages = stage_costs(loader, args.batch_size)
        section["stages"] = stages
        report.say(
            "stages (one process, CPU s / share): "
            + ", ".join(f"{name} {s['cpu_s']:.1f}s {s['share']:.0%}" for name, s in stages.items())
        )
    floor_s, words = tokenisation_floor(loader)
    section["tokenisation_floor"] = {
        "seconds": round(floor_s, 3),
        "words": words,
        "pipeline_ratio": round(first.wall_s / floor_s, 1),
    }
    report.say(
        f"floor  regex word split over the same text: {floor_s:.2f}s ({words / floor_s / 1e6:.1f}M words/s); "
        f"the pipeline takes {first.wall_s / floor_s:.0f}x"
    )
    report.parts["text"] = section


def part_reuters(args: argparse.Namespace, tmp: Path, report: Report) -> None:
    sizes = [int(s) for s in args.reuters_sizes.split(",") if s]
    curve = []
    for size in sizes:
        db = tmp / f"reuters-{size}.duckdb"
        settings = settings_for(db, args.task_runner, args.workers, args.batch_size, args.heartbeats)
        run = run_flow(partial(reuters, limit=size), settings)
        n = run.result["read"]
        point = {"size": size, "read": n, **run.as_dict(), "articles_per_s": round(n / run.wall_s, 1)}
        if size == args.prefect_share_at:
            # Rounds of a flow run then a plain run; the run above is the first round's flow run.
            def at(name: str) -> Any:
                return settings_for(
                    tmp / name, args.task_runner, args.workers, args.batch_size, args.heartbeats
                )

            load = partial(reuters, limit=size)
            flows, plains = [run], []
            for i in range(args.repeat):
                if i:
                    flows.append(run_flow(load, at(f"reuters-{size}-{i}.duckdb")))
                plains.append(run_plain(load, at(f"reuters-plain-{size}-{i}.duckdb")))
            point["plain"] = _best(plains).as_dict()
            point["rounds_wall_s"] = [
                [round(f.wall_s, 3), round(p.wall_s, 3)] for f, p in zip(flows, plains, strict=True)
            ]
            point["prefect_share"] = _median_share(flows, plains)
            point["prefect_cpu_share"] = _median_share(flows, plains, _cpu_share)
            extra = f", plain {point['plain']['wall_s']:.1f}s: {_share_note(flows, plains)}"
        else:
            extra = ""
        curve.append(point)
        report.say(
            f"reuters {n:>6} stories: {run.wall_s:6.1f}s ({n / run.wall_s:.0f}/s, cpu {run.cpu_s:.1f}s, "
            f"peak {run.peak_rss_mb:.0f} MB RSS, {run.peak_pss_mb:.0f} MB PSS + Prefect server "
            f"{run.prefect_server_rss_mb:.0f} MB){extra}"
        )
    section: dict[str, Any] = {"curve": curve}
    by_size = {p["size"]: p for p in curve}
    if 5000 in by_size and len(by_size) > 1:
        largest = max(by_size)
        if largest > 5000:
            ratio = by_size[largest]["wall_s"] / by_size[5000]["wall_s"]
            section["largest_vs_5k"] = {
                "size": largest,
                "ratio": round(ratio, 2),
                "linear": round(largest / 5000, 2),
            }
            report.say(f"reuters {largest} / 5000 time: {ratio:.2f}x (linear would be {largest / 5000:.2f}x)")
    report.parts["reuters"] = section


def _html_folder(tmp: Path, limit: int | None) -> tuple[Path, list[bytes]]:
    folder = tmp / "zyte-pages"
    folder.mkdir(exist_ok=True)
    pages = []
    for i, (page_id, data) in enumerate(zyte_pages()):
        if limit is not None and i >= limit:
            break
        (folder / f"{page_id}.html").write_bytes(data)
        pages.append(data)
    return folder, pages


def trafilatura_floor(pages: list[bytes], *, fast: bool = False) -> float:
    """CPU seconds of trafilatura alone (with metadata, as the pipeline asks) over the pages, one process:
    in its default mode (the floor the targets name), or ``fast`` as the pipeline runs it by default."""
    import trafilatura

    from pipeline.extract import decode_html

    texts = [decode_html(p) for p in pages]
    started = time.process_time()
    for text in texts:
        trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=False, deduplicate=False, fast=fast
        )
    return time.process_time() - started


def part_html(args: argparse.Namespace, tmp: Path, report: Report) -> None:
    """Rounds of: trafilatura alone (default mode, then fast mode), the flow in one thread, the flow with
    two workers, trafilatura alone again (fast, then default). Each run's ratio is to the mean of the floors
    timed around it in its own round: on a shared VM the same work took from 3.5 to 5.4 s within minutes,
    so a floor timed once, seconds before or minutes apart, measured that drift as much as the pipeline.
    The headline ratio is the median round's."""
    from pipeline.read import iter_folder

    folder, pages = _html_folder(tmp, args.html_limit)
    modes = (("single", "threads", 1), ("workers", "processes", 2))
    rounds: list[dict[str, Any]] = []
    runs: dict[str, list[Timed]] = {label: [] for label, _, _ in modes}
    for i in range(args.html_rounds):
        # trafilatura's fast mode is how the pipeline extracts pages unless STANCEWATCH_HTML_FALLBACKS is
        # on: the ratio to it is what the pipeline's own stages add on top of extraction.
        before = trafilatura_floor(pages), trafilatura_floor(pages, fast=True)
        for label, runner, workers in modes:
            settings = settings_for(
                tmp / f"html-{label}-{i}.duckdb", runner, workers, args.batch_size, args.heartbeats
            )
            # Without PSS readings: this part's figure is a time ratio, and those readings take CPU from
            # the two cores the run is timed on.
            run = run_flow(lambda: iter_folder(folder, defer_html=True), settings, pss=False)
            runs[label].append(run)
        after_fast = trafilatura_floor(pages, fast=True)  # in the reverse order: the runs sit in the middle
        after = trafilatura_floor(pages), after_fast
        floor, fast_floor = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
        timing: dict[str, Any] = {
            "trafilatura_s": round(floor, 3),
            "trafilatura_fast_s": round(fast_floor, 3),
            "trafilatura_before_after_s": [round(before[0], 3), round(after[0], 3)],
        }
        for label, _, _ in modes:
            run = runs[label][-1]
            timing[f"{label}_s"] = round(run.wall_s, 3)
            timing[f"{label}_ratio"] = round(run.wall_s / floor, 3)
            timing[f"{label}_ratio_vs_fast"] = round(run.wall_s / fast_floor, 3)
        rounds.append(timing)
    section: dict[str, Any] = {"pages": len(pages), "rounds": rounds}
    for label, runner, workers in modes:
        ratios = [r[f"{label}_ratio"] for r in rounds]
        middle = _median_index(ratios)
        run = runs[label][middle]
        section[label] = {
            **run.as_dict(),
            "task_runner": runner,
            "workers": workers,
            "ratio": rounds[middle][f"{label}_ratio"],
            "ratio_vs_fast": rounds[middle][f"{label}_ratio_vs_fast"],
            "ratio_best": min(ratios),
            "ratio_worst": max(ratios),
            # The first round with workers also starts their fork server (its imports, ~1 s of CPU); later
            # runs in the same process fork from it warm, as a served flow's runs do.
            "first_run_ratio": ratios[0],
        }
        summary = section[label]
        report.say(
            f"html   {len(pages)} pages, {runner} x{workers}: median round {run.wall_s:.1f}s = "
            f"{summary['ratio']:.2f}x trafilatura alone ({rounds[middle]['trafilatura_s']:.1f}s), "
            f"{summary['ratio_vs_fast']:.2f}x its fast mode; rounds {min(ratios):.2f}-{max(ratios):.2f}x "
            f"(first {ratios[0]:.2f}x); {run.result['new_articles']} articles, "
            f"{run.result['new_claims']} claims"
        )
    section["ratio_vs_trafilatura"] = section["single"]["ratio"]
    report.parts["html"] = section


def part_digest(args: argparse.Namespace, tmp: Path, report: Report) -> None:
    from bench.digest_store import build_store, time_digest

    path = Path(args.digest_store) if args.digest_store else tmp / f"digest-{args.digest_claims}.duckdb"
    generated = build_store(path, args.digest_claims)
    timing = time_digest(path, repeat=max(3, args.repeat))
    section = {"claims": args.digest_claims, "generate_s": round(generated, 1), **timing}
    report.say(
        f"digest one day over {args.digest_claims:,} claims: median {timing['median_s']:.3f}s, "
        f"best {timing['best_s']:.3f}s" + (f" (store generated in {generated:.0f}s)" if generated else "")
    )
    report.parts["digest"] = section


# ---- main -----------------------------------------------------------------------------------------


def summary(report: Report, started: float) -> dict[str, Any]:
    parts = report.parts
    text, reuters_part = parts.get("text", {}), parts.get("reuters", {})
    peaks = [text.get("flow", {}).get("peak_rss_mb", 0.0)] + [
        p["peak_rss_mb"] for p in reuters_part.get("curve", [])
    ]
    pss = [text.get("flow", {}).get("peak_pss_mb", 0.0)] + [
        p["peak_pss_mb"] for p in reuters_part.get("curve", [])
    ]
    share_10k = next(
        (p["prefect_share"] for p in reuters_part.get("curve", []) if "prefect_share" in p), None
    )
    return {
        "text_articles_per_s": text.get("articles_per_s"),
        "rerun_ratio": text.get("rerun", {}).get("ratio"),
        "html_ratio_vs_trafilatura": parts.get("html", {}).get("ratio_vs_trafilatura"),
        "html_ratio_vs_trafilatura_workers": parts.get("html", {}).get("workers", {}).get("ratio"),
        "digest_1m_claims_s": parts.get("digest", {}).get("median_s"),
        "peak_rss_mb": max(peaks) if any(peaks) else None,
        "peak_pss_mb": max(pss) if any(pss) else None,
        "prefect_share": share_10k if share_10k is not None else text.get("prefect_share"),
        "stages": text.get("stages"),
        "machine": {"cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2)},
        "rusage_max_rss_mb": {
            "self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "children": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        },
        "seconds": round(time.perf_counter() - started, 1),
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **parts,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts: {', '.join(PARTS)}")
    parser.add_argument("--limit", type=int, default=None, help="news-2017 articles (default: all 3,824)")
    parser.add_argument("--reuters-sizes", default="1000,5000,10000,19000")
    parser.add_argument(
        "--prefect-share-at", type=int, default=10000, help="Reuters size also run without Prefect"
    )
    parser.add_argument("--html-limit", type=int, default=None, help="Zyte pages (default: all)")
    parser.add_argument(
        "--html-rounds",
        type=int,
        default=5,
        help="rounds of the HTML part (its ratios are the median round's; default 5)",
    )
    parser.add_argument("--digest-claims", type=int, default=1_000_000)
    parser.add_argument("--digest-store", default=None, help="keep the generated digest store here (reused)")
    parser.add_argument("--task-runner", default="processes", choices=("threads", "processes"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=None, help="default: the settings' default")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the best is kept")
    parser.add_argument(
        "--prefect-heartbeats",
        choices=("on", "off"),
        default=None,
        help="Prefect's flow-run heartbeats (their thread is joined when a run ends: up to a second per "
        "run). Default: as the CLI runs flows, STANCEWATCH_PREFECT_HEARTBEATS's default (off); on: "
        "Prefect's own setting (every 180 s in Prefect 3.8), as served runs have it",
    )
    parser.add_argument("--no-stages", action="store_true", help="skip the single-process per-stage pass")
    parser.add_argument("--out", default=str(RESULTS / "latest.json"))
    args = parser.parse_args(argv)
    args.parts = {p.strip() for p in args.only.split(",") if p.strip()}
    unknown = args.parts - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    from pipeline.settings import Settings

    if args.batch_size is None:
        args.batch_size = Settings.model_fields["batch_size"].default
    if args.prefect_heartbeats is None:
        args.heartbeats = bool(Settings.model_fields["prefect_heartbeats"].default)
        args.prefect_heartbeats = "on" if args.heartbeats else "off"
    else:
        args.heartbeats = args.prefect_heartbeats == "on"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    local_prefect()
    started = time.perf_counter()
    report = Report()
    tmp = Path(tempfile.mkdtemp(prefix="stancewatch-bench-"))
    try:
        run_parts(args, tmp, report)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = summary(report, started)
    result["prefect_heartbeats"] = args.prefect_heartbeats
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


def run_parts(args: argparse.Namespace, tmp: Path, report: Report) -> None:
    if args.parts & {"text", "rerun", "reuters", "html"}:
        report.say(
            f"Prefect ephemeral server started in {warm_up_prefect(tmp):.1f}s (not counted); "
            f"flow-run heartbeats {args.prefect_heartbeats}"
        )
    if args.parts & {"text", "rerun"}:
        part_text(args, tmp, report)
    if "reuters" in args.parts:
        part_reuters(args, tmp, report)
    if "html" in args.parts:
        part_html(args, tmp, report)
    if "digest" in args.parts:
        part_digest(args, tmp, report)


if __name__ == "__main__":  # the spawned worker processes import this module: run nothing then
    sys.exit(main())
