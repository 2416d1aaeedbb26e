"""The daily flow for real: Prefect (ephemeral server), a loopback HTTP server, a DuckDB file."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path

import pytest

from pipeline.batch import PreparedBatch, prepare_batch
from pipeline.settings import Settings, get_settings
from pipeline.store import reader
from tests.conftest import FIXTURES, REPO, SAMPLE
from tests.httpserver import FaultServer, http_server_fixture  # noqa: F401  (provides http_server)


def _sources_file(tmp_path: Path, server: FaultServer) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f"""
[[feed]]
name = "Al-Monitor"
url = "{server.url("/feeds/al-monitor.xml")}"

[[feed]]
name = "Broken"
url = "{server.url("/missing-feed.xml")}"

[[page]]
name = "Off"
url = "{server.url("/pages/titan-map.html")}"
enabled = false
""",
        encoding="utf-8",
    )
    return path


@pytest.mark.usefixtures("prefect_harness")
def test_daily_flow_fetches_stores_claims_and_skips_unchanged_work(
    http_server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.daily import daily_flow

    monkeypatch.setenv("STANCEWATCH_HTTP_ALLOW_PRIVATE", "true")  # the server is on loopback
    monkeypatch.setenv("STANCEWATCH_HTTP_PER_HOST_DELAY", "0")
    monkeypatch.setenv("STANCEWATCH_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("STANCEWATCH_DIGEST_DIR", str(tmp_path / "digests"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "note.txt").write_text(
        "Hamas says it is ready to resume talks\nHamas said on Sunday it was ready to resume negotiations.\n",
        encoding="utf-8",
    )
    db = tmp_path / "store.duckdb"
    args = {
        "db": str(db),
        "sources": str(_sources_file(tmp_path, http_server)),
        "watchlist": str(SAMPLE / "watchlist.toml"),
        "inbox": str(inbox),
    }

    first = daily_flow(**args)

    by_name = {row["name"]: row for row in first["sources"]}
    assert set(by_name) == {"Al-Monitor", "Broken"}  # the disabled source is not fetched
    assert by_name["Al-Monitor"]["status"] == "ok" and by_name["Al-Monitor"]["new"] == 4
    assert by_name["Broken"]["status"] == "failed" and by_name["Broken"]["error"]
    assert first["new_articles"] == 5  # four web documents and the inbox note
    with reader(db) as con:
        docs = {r[0] for r in con.execute("SELECT doc FROM articles").fetchall()}
        assert http_server.url("/pages/afghanistan-helicopter.html") in docs and "note.txt" in docs
        assert con.execute("SELECT count(*) FROM claims").fetchone()[0] > 0  # type: ignore[index]
        assert con.execute("SELECT count(*) FROM fetch_log").fetchone()[0] >= 6  # type: ignore[index]
        [(stats,)] = con.execute("SELECT stats FROM runs WHERE kind = 'daily'").fetchall()
        assert {s["name"] for s in json.loads(stats)["sources"]} == {"Al-Monitor", "Broken"}
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("articles", "claims", "claim_occurrences")
        }
    page_hits = len(http_server.hits("/pages/afghanistan-helicopter.html"))

    second = daily_flow(**args)

    by_name = {row["name"]: row for row in second["sources"]}
    assert by_name["Al-Monitor"]["status"] == "unchanged"  # a 304 on the feed: no entry is refetched
    assert len(http_server.hits("/pages/afghanistan-helicopter.html")) == page_hits
    assert second["new_articles"] == 0 and second["already_stored"] == 1
    with reader(db) as con:
        assert counts == {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("articles", "claims", "claim_occurrences")
        }


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_flow_skips_bad_files_and_keeps_the_rest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from flows.daily import ingest_flow

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text((SAMPLE / "002_d60c0d61afcbb3f2.txt").read_text(encoding="utf-8"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "page.html").write_bytes(
        gzip.decompress((FIXTURES / "ingest" / "pages" / "42aad1.html.gz").read_bytes())
    )
    (folder / "blank.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (folder / "latin1.txt").write_bytes(
        "Le Premier ministre a déclaré que la négociation continuerait.\n".encode("latin-1")
    )
    (folder / "articles.jsonl").write_text(
        "\n".join(
            [
                json.dumps({"file": "good.txt", "source": "AFP", "published": "2025-06-01"}),
                json.dumps({"file": "missing.txt", "source": "AFP"}),
                json.dumps({"file": "../outside.txt", "source": "AFP"}),
                "{not json",
            ]
        ),
        encoding="utf-8",
    )
    settings = Settings(
        db=tmp_path / "s.duckdb", digest_dir=tmp_path / "digests", watchlist=SAMPLE / "watchlist.toml"
    )

    summary = ingest_flow(str(folder), settings=settings)

    assert summary["new_articles"] == 3  # good.txt, the Latin-1 file and the page (extracted in a worker)
    skipped = {s["path"]: s["reason"] for s in summary["skipped"]}
    assert {"empty.txt", "binary.txt", "blank.html"} <= {Path(p).name for p in skipped}
    assert len(skipped) == 6, skipped  # empty, binary, blank page, missing, outside, bad JSON line
    with reader(settings.db) as con:
        page_title = con.execute("SELECT title FROM articles WHERE doc = 'page.html'").fetchone()[0]  # type: ignore[index]
        text = con.execute("SELECT text FROM articles WHERE doc = 'latin1.txt'").fetchone()[0]  # type: ignore[index]
    assert "déclaré" in text
    assert page_title == "NASA’s commercial moon shot: Musk's and Bezos's firms to bid"

    again = ingest_flow(str(folder), settings=settings)

    # Known inputs are skipped by their fingerprint, the page without article text too; only what
    # cannot be read at all is reported again.
    assert again["new_articles"] == 0 and again["already_stored"] == 4
    assert "blank.html" not in {Path(s["path"]).name for s in again["skipped"]}
    assert len(again["skipped"]) == 5


def _worker_state() -> tuple[bool, bool]:
    """In a pool worker: was the warm-up module loaded, and is the attribution lexicon (read from its data
    files on first use) there, before this worker ran any batch?"""
    import sys

    from pipeline.attribution import load_cue_lexicon

    return "flows.cpu_worker" in sys.modules, load_cue_lexicon.cache_info().currsize > 0


def test_cpu_pool_workers_start_warm_and_a_split_batch_keeps_its_order(tmp_path: Path) -> None:
    from flows.daily import _CPU_POOL, _prepare_here, cpu_pool, warm_cpu_pool
    from pipeline.batch import prepare_batch
    from pipeline.read import read_folder

    settings = get_settings(db=tmp_path / "s.duckdb", task_runner="processes", workers=2)
    documents, _ = read_folder(SAMPLE)
    watchlist = None
    with cpu_pool(settings):
        pool = _CPU_POOL.get()
        assert pool is not None
        # Started with the pool, before any batch is handed to it.
        assert len(pool._processes) == 2
        # Forked from the fork server, which imported the stages and ran them once before any fork.
        assert pool.submit(_worker_state).result() == (True, True)
        prepared = _prepare_here(documents, watchlist)  # five documents in parts of decreasing length
    assert _CPU_POOL.get() is None
    whole = prepare_batch(documents, watchlist)
    assert [a.article_id for a in prepared.articles] == [a.article_id for a in whole.articles]
    assert prepared.extractions == whole.extractions

    assert warm_cpu_pool(settings) is True  # already running: kept
    assert warm_cpu_pool(get_settings(db=tmp_path / "s.duckdb", task_runner="threads")) is False


def test_pool_workers_do_not_run_the_main_script_again(tmp_path: Path) -> None:
    """multiprocessing re-runs the program's main script in each worker it starts; the CPU pool's workers
    skip that (for the `stancewatch` command it imported the CLI, for a work-pool run all of Prefect)."""
    script = tmp_path / "main_script.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os
            import sys

            sys.path.insert(0, {str(REPO)!r})
            print("main script ran", flush=True)

            if __name__ == "__main__":
                from flows.daily import _CPU_POOL, cpu_pool
                from pipeline.settings import get_settings

                settings = get_settings(db={str(tmp_path / "s.duckdb")!r}, task_runner="processes", workers=2)
                with cpu_pool(settings):
                    pool = _CPU_POOL.get()
                    print("workers", len(pool._processes), flush=True)
                    pids = {{pool.submit(os.getpid).result() for _ in range(8)}}
                    print("worker pids", pids - {{os.getpid()}})
            """
        ),
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, check=True
    ).stdout
    assert "workers 2" in out and "worker pids {" in out
    assert out.count("main script ran") == 1


class _RecordingIngest:
    """``flows.daily._ingest`` with the worker step run inline and recorded (the docs of each batch
    handed to it), and the flow's real store write."""

    def __init__(self, settings: Settings) -> None:
        from pipeline.store import start_run, writer

        self.settings = settings
        with writer(settings.db) as con:
            self.run_id = start_run(con, "test")
        self.prepared_batches: list[list[str]] = []

    def prepare(self, documents: list, watchlist: object) -> Future[PreparedBatch]:
        self.prepared_batches.append([d.doc for d in documents])
        done: Future[PreparedBatch] = Future()
        done.set_result(prepare_batch(documents, None))
        return done

    def __call__(self, items: Iterable, known_raw: set[str] | None = None) -> dict:
        """One run: the store's raw fingerprints read as a flow reads them when it starts, unless given."""
        from flows.daily import _ingest, _write_batch
        from pipeline.store import known_raw_hashes, writer

        if known_raw is None:
            with writer(self.settings.db) as con:
                known_raw = known_raw_hashes(con)
        return _ingest(
            items,
            settings=self.settings,
            watchlist=None,
            known_raw=known_raw,
            prepare=self.prepare,
            store=lambda job: _write_batch(str(self.settings.db), job, self.run_id, 0),
        )


def test_a_batch_with_nothing_new_submits_no_work(tmp_path: Path) -> None:
    from pipeline.clean import raw_fingerprint
    from pipeline.read import read_folder

    ingest = _RecordingIngest(get_settings(db=tmp_path / "s.duckdb", task_runner="threads", batch_size=2))
    prepared_batches = ingest.prepared_batches

    documents, _ = read_folder(SAMPLE)
    first = ingest(documents[:4])
    assert first["articles"] == 4 and len(prepared_batches) == 2

    prepared_batches.clear()
    again = ingest(documents)  # batches of two: two all known, the third half new

    assert again["already_stored"] == 4 and again["articles"] == 1
    assert prepared_batches == [[documents[4].doc]]

    # A batch also ends at STANCEWATCH_BATCH_CHARS: the first article alone already reaches it.
    by_volume = _RecordingIngest(
        get_settings(
            db=tmp_path / "volume.duckdb",
            task_runner="threads",
            batch_size=10,
            batch_chars=len(documents[0].text),
        )
    )
    by_volume(documents[:3])
    assert by_volume.prepared_batches[0] == [documents[0].doc]
    assert sum(map(len, by_volume.prepared_batches)) == 3

    # The fingerprints the run read as it started are what it skips by, and they gain what the call
    # stores, so the calls of one run can share them.
    sharing = _RecordingIngest(
        get_settings(db=tmp_path / "shared.duckdb", task_runner="threads", batch_size=2)
    )
    known = {raw_fingerprint(documents[0])}
    shared = sharing(documents[:3], known_raw=known)
    assert shared["already_stored"] == 1 and shared["articles"] == 2
    assert known == {raw_fingerprint(d) for d in documents[:3]}


def test_a_page_whose_markup_changed_but_not_its_text_is_skipped_from_then_on(tmp_path: Path) -> None:
    # The same document with the same text is the stored article, neither new nor a copy of it; the page's
    # new fingerprint is kept, or every later run would extract it again to find that out.
    from pipeline.clean import raw_fingerprint
    from pipeline.read import iter_folder
    from pipeline.store import known_raw_hashes, writer

    folder = tmp_path / "pages"
    folder.mkdir()
    page = folder / "page.html"
    page.write_bytes((FIXTURES / "web" / "pages" / "titan-map.html").read_bytes())
    ingest = _RecordingIngest(get_settings(db=tmp_path / "s.duckdb", task_runner="threads"))
    assert ingest(iter_folder(folder, defer_html=True))["articles"] == 1

    page.write_bytes(page.read_bytes().replace(b"<body", b"<!-- ad slot 2 --><body", 1))
    changed = ingest(iter_folder(folder, defer_html=True))
    assert (changed["articles"], changed["duplicates"], changed["already_stored"]) == (0, 0, 1)
    (pending,) = iter_folder(folder, defer_html=True)
    with writer(ingest.settings.db) as con:
        assert raw_fingerprint(pending) in known_raw_hashes(con)
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (1,)

    ingest.prepared_batches.clear()
    assert ingest(iter_folder(folder, defer_html=True))["already_stored"] == 1
    assert ingest.prepared_batches == []


def test_a_flow_is_configured_once_per_task_runner(tmp_path: Path) -> None:
    # Copying a flow builds its parameters' schema; each run duplicates the runner it finds on the copy.
    from flows.daily import ingest_flow, with_runner

    threads = get_settings(db=tmp_path / "a.duckdb", task_runner="threads", workers=2)
    same = get_settings(db=tmp_path / "b.duckdb", task_runner="threads", workers=2)
    processes = get_settings(db=tmp_path / "a.duckdb", task_runner="processes", workers=2)
    configured = with_runner(ingest_flow, threads)
    assert with_runner(ingest_flow, same) is configured
    assert with_runner(ingest_flow, processes) is not configured
    assert configured is not ingest_flow and type(configured.task_runner).__name__ == "ThreadPoolTaskRunner"
