"""Runs that are interrupted, stores that share a machine, undated articles: the real command, real DuckDB
files, Prefect flows run for real, and real ``kill -9``.

Subprocess runs talk to the session's Prefect test server (the ``prefect_api`` fixture).
"""

from __future__ import annotations

import datetime
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
