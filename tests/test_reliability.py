"""Runs that are interrupted, stores that share a machine, undated articles: the real command, real DuckDB
files, Prefect flows run for real, and real ``kill -9``.

Subprocess runs talk to the session's Prefect test server (the ``prefect_api`` fixture).
"""

from __future__ import annotations

import datetime
import html
import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

from pipeline.store import reader
from tests.clirun import STANCEWATCH, cli_env, one_error_line, stancewatch
from tests.conftest import SAMPLE


def _dated_corpus(
    folder: Path, n: int, first: datetime.date = datetime.date(2025, 3, 1)
) -> list[datetime.date]:
    """``n`` distinct short articles, one a day from ``first``, in file order (so a run stores the early
    days first), with their manifest; returns the days."""
    folder.mkdir(parents=True)
    words = (SAMPLE / "002_d60c0d61afcbb3f2.txt").read_text(encoding="utf-8").split()
    days, lines = [], []
    for i in range(n):
        rng = random.Random(i)
        day = first + datetime.timedelta(days=i)
        filler = " ".join(rng.choice(words) for _ in range(120))
        (folder / f"{i:03d}.txt").write_text(
            f"Talks resume, round {i}\nHamas said on Monday that it accepted the ceasefire proposal of "
            f"round {i}. {filler}\n",
            encoding="utf-8",
        )
        lines.append(json.dumps({"file": f"{i:03d}.txt", "source": f"Outlet {i % 3}", "published": str(day)}))
        days.append(day)
    (folder / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return days


def _digest_state(db: Path) -> tuple[list[datetime.date], set[datetime.date], list[datetime.date]]:
    """(days with articles, days with a digests row, stale days) of a store."""
    with reader(db) as con:
        days = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT published FROM articles WHERE published IS NOT NULL ORDER BY 1"
            ).fetchall()
        ]
        digested = {r[0] for r in con.execute("SELECT day FROM digests").fetchall()}
        stale = [r[0] for r in con.execute("SELECT day FROM stale_days ORDER BY day").fetchall()]
    return days, digested, stale


def test_a_run_killed_after_its_first_batch_leaves_its_days_to_the_next_run(
    prefect_api: str, tmp_path: Path, session_processes: list[subprocess.Popen[str]]
) -> None:
    corpus = tmp_path / "corpus"
    days = _dated_corpus(corpus, 30)
    db = tmp_path / "store.duckdb"
    # Batches of one article, and the flow's progress lines (INFO) on stderr: "batch: …" is logged once a
    # batch's transaction has committed, so a kill there lands after a stored batch and before digests.
    env = cli_env(prefect_api, batch_size="1")
    env["PREFECT_LOGGING_LEVEL"] = "INFO"
    proc = subprocess.Popen(
        [str(STANCEWATCH), "ingest", str(corpus), "--db", str(db)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    session_processes.append(proc)
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        if "batch: 1 documents, 1 new articles" in line:
            os.kill(proc.pid, signal.SIGKILL)
            break
        assert time.monotonic() < deadline, "no batch was stored in time"
    assert proc.wait(30) == -signal.SIGKILL

    stored, digested, stale = _digest_state(db)
    assert 1 <= len(stored) < len(days), "the kill should land mid-run"
    assert digested == set(), "the kill should land before the digests"
    assert stale == stored  # every stored day waits for its digest, in the store itself
    with reader(db) as con:
        assert con.execute("SELECT status FROM runs").fetchall() == [("running",)]

    again = stancewatch(["ingest", str(corpus), "--db", str(db)], cli_env(prefect_api), tmp_path)

    assert again.returncode == 0, again.stderr
    stored, digested, stale = _digest_state(db)
    assert stored == days and digested == set(days) and stale == []
    folder = tmp_path / "store-digests"
    assert sorted(p.name for p in folder.glob("*.md")) == [f"{d}.md" for d in days]
    with reader(db) as con:
        statuses = [r[0] for r in con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()]
    assert statuses == ["crashed", "completed"]
    assert "closed as crashed" in again.stderr


def test_an_unwritable_digest_folder_fails_the_run_in_one_line_and_the_next_run_writes_the_days(
    prefect_api: str, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    days = _dated_corpus(corpus, 3)
    db = tmp_path / "store.duckdb"
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the digest folder should be", encoding="utf-8")

    failed = stancewatch(
        ["ingest", str(corpus), "--db", str(db)],
        cli_env(prefect_api, digest_dir=str(blocker / "d")),
        tmp_path,
    )

    assert failed.returncode == 1
    line = one_error_line(failed)
    assert f"cannot write digests to {blocker / 'd'}" in line and "3 days left for the next run" in line
    stored, digested, stale = _digest_state(db)
    assert stored == days and digested == set() and stale == days
    with reader(db) as con:
        assert con.execute("SELECT status FROM runs").fetchall() == [("failed",)]

    fixed = stancewatch(
        ["ingest", str(corpus), "--db", str(db)],
        cli_env(prefect_api, digest_dir=str(tmp_path / "d")),
        tmp_path,
    )

    assert fixed.returncode == 0, fixed.stderr
    assert "0 new articles" in fixed.stdout  # nothing new: the digests come from the store's stale days
    stored, digested, stale = _digest_state(db)
    assert digested == set(days) and stale == []
    assert sorted(p.name for p in (tmp_path / "d").glob("*.md")) == [f"{d}.md" for d in days]


def test_each_store_keeps_its_own_digest_folder(prefect_harness: None, tmp_path: Path) -> None:
    from flows.daily import ingest_flow
    from pipeline.settings import Settings

    assert Settings().digest_folder == Path("data/stancewatch-digests")  # what `make demo` prints
    first_days = _dated_corpus(tmp_path / "first", 2, datetime.date(2025, 1, 1))
    second_days = _dated_corpus(tmp_path / "second", 2, datetime.date(2025, 1, 2))  # one day in common
    first = Settings(db=tmp_path / "demo.duckdb", task_runner="threads")
    other = Settings(db=tmp_path / "other.duckdb", task_runner="threads")

    ingest_flow(str(tmp_path / "first"), settings=first)
    written = {p.name: p.read_bytes() for p in (tmp_path / "demo-digests").iterdir()}
    assert sorted(written) == sorted(f"{d}.{ext}" for d in first_days for ext in ("html", "md"))
    ingest_flow(str(tmp_path / "second"), settings=other)

    assert {p.name: p.read_bytes() for p in (tmp_path / "demo-digests").iterdir()} == written
    assert sorted(p.name for p in (tmp_path / "other-digests").glob("*.md")) == [
        f"{d}.md" for d in second_days
    ]
    assert "round 0" not in (tmp_path / "other-digests" / "2025-01-02.md").read_text(encoding="utf-8")


def test_undated_articles_are_counted_and_can_be_dated_by_first_seen(
    prefect_api: str, prefect_harness: None, tmp_path: Path
) -> None:
    from flows.daily import ingest_flow
    from pipeline.settings import Settings

    corpus = tmp_path / "corpus"
    days = _dated_corpus(corpus, 2)
    (corpus / "undated.txt").write_text(
        "Hamas said on Monday that it rejected the ceasefire proposal outright.\n", encoding="utf-8"
    )
    (corpus / "bad.txt").write_bytes(bytes(range(256)) * 8)
    db = tmp_path / "store.duckdb"

    result = stancewatch(["ingest", str(corpus), "--db", str(db)], cli_env(prefect_api), tmp_path)

    assert result.returncode == 0, result.stderr
    assert "3 new articles" in result.stdout and "1 new article without a date" in result.stdout
    assert (result.stdout + result.stderr).count("bad.txt") == 1  # the skipped file is named once
    note = "1 article without a date is not in any day's digest"
    assert note in (tmp_path / "store-digests" / f"{days[0]}.md").read_text(encoding="utf-8")
    assert note in html.unescape((tmp_path / "store-digests" / f"{days[0]}.html").read_text(encoding="utf-8"))

    later = tmp_path / "later"
    later.mkdir()
    (later / "also-undated.txt").write_text(
        "Israel said on Tuesday that it accepted the ceasefire proposal.\n", encoding="utf-8"
    )
    before = datetime.datetime.now(datetime.UTC).date()
    summary = ingest_flow(
        str(later), settings=Settings(db=db, task_runner="threads", date_undated_by_first_seen=True)
    )
    after = datetime.datetime.now(datetime.UTC).date()

    assert summary["new_articles"] == 1 and summary["undated"] == 0
    with reader(db) as con:
        [(published, basis)] = con.execute(
            "SELECT published, published_basis FROM articles WHERE doc = 'also-undated.txt'"
        ).fetchall()
        assert con.execute("SELECT count(*) FROM digests WHERE day = ?", [published]).fetchone() == (1,)
    assert before <= published <= after and basis == "first_seen"
    assert note in (tmp_path / "store-digests" / f"{published}.md").read_text(encoding="utf-8")
