"""Expected errors are one line and an exit code, never a traceback: the real command in a subprocess,
against real files (a binary watchlist, a file of garbage as the store, a store another process holds, a
worker killed with ``kill -9``)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.clirun import STANCEWATCH, cli_env, one_error_line, stancewatch
from tests.conftest import SAMPLE
from tests.test_lock import HOLD
from tests.test_reliability import _dated_corpus


def _sample_store(tmp_path: Path, prefect_api: str) -> Path:
    db = tmp_path / "store.duckdb"
    done = stancewatch(["ingest", str(SAMPLE), "--db", str(db)], cli_env(prefect_api), tmp_path)
    assert done.returncode == 0, done.stderr
    return db


def test_bad_inputs_are_one_line_each(tmp_path: Path) -> None:
    env = cli_env()
    binary = tmp_path / "binary.toml"
    binary.write_bytes(bytes(range(256)) * 4)
    invalid = tmp_path / "invalid.toml"
    invalid.write_text(
        "[[actors]]\nname = 'Hamas'\nkind = 'group'\nparty = 'Hamas'\nrank = 1\n", encoding="utf-8"
    )
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(os.urandom(4096))
    cases = [
        (["ingest", str(SAMPLE), "--watchlist", "missing.toml"], 2, "missing.toml: no such watchlist file"),
        (["ingest", str(SAMPLE), "--watchlist", str(binary)], 2, "not a text file (TOML must be UTF-8)"),
        (["ingest", str(SAMPLE), "--watchlist", str(invalid)], 2, "rank"),
        (["run", "--inbox", str(tmp_path / "no-inbox")], 2, "is not a folder"),
        (["sql", "SELECT 1", "--db", str(garbage)], 1, "cannot be opened as a DuckDB store"),
        (["claims", "export", "--db", str(garbage)], 1, "cannot be opened as a DuckDB store"),
        (["digest", "--db", str(tmp_path / "none.duckdb")], 1, "no database at"),
    ]
    for args, code, message in cases:
        result = stancewatch(args, env, tmp_path)
        assert result.returncode == code, (args, result.stderr)
        assert message in one_error_line(result), args


def test_a_run_on_a_damaged_or_locked_store_is_one_line(prefect_api: str, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(os.urandom(4096))
    damaged = stancewatch(["ingest", str(SAMPLE), "--db", str(garbage)], cli_env(prefect_api), tmp_path)
    assert damaged.returncode == 1
    assert f"{garbage} cannot be opened as a DuckDB store" in one_error_line(damaged)

    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), "60"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        locked = stancewatch(
            ["ingest", str(SAMPLE), "--db", str(db)], cli_env(prefect_api, lock_retries="0"), tmp_path
        )
    finally:
        holder.kill()
        holder.wait()
    assert locked.returncode == 1
    line = one_error_line(locked)
    assert "is locked by" in line and f"PID {holder.pid}" in line


def test_output_errors_and_a_day_without_articles_are_one_line(prefect_api: str, tmp_path: Path) -> None:
    db = _sample_store(tmp_path, prefect_api)
    env = cli_env()

    export = stancewatch(["claims", "export", "-o", "/nonexistent/x", "--db", str(db)], env, tmp_path)
    assert export.returncode == 1
    assert one_error_line(export) == "cannot use /nonexistent/x: No such file or directory"

    no_day = stancewatch(["digest", "--day", "2020-01-01", "--db", str(db)], env, tmp_path)
    assert no_day.returncode == 1 and no_day.stdout == ""
    assert "no articles were published on 2020-01-01" in one_error_line(no_day)
    assert stancewatch(["digest", "--day", "2025-07-02", "--db", str(db)], env, tmp_path).returncode == 0


def test_a_run_whose_every_source_failed_exits_non_zero(prefect_api: str, tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    # A loopback port nothing listens on: the connection is refused at once.
    sources.write_text('[[feed]]\nname = "Gone"\nurl = "http://127.0.0.1:9/feed.xml"\n', encoding="utf-8")
    env = cli_env(prefect_api, http_allow_private="true", http_retries="0")

    result = stancewatch(
        ["run", "--sources", str(sources), "--db", str(tmp_path / "s.duckdb")], env, tmp_path
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert (
        result.stderr.strip().splitlines()[-1]
        == "every source failed (1): nothing was fetched; see the table above"
    )


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_a_worker_killed_mid_run_is_one_line(
    prefect_api: str, tmp_path: Path, session_processes: list[subprocess.Popen[str]]
) -> None:
    corpus = tmp_path / "corpus"
    _dated_corpus(corpus, 30)
    env = cli_env(prefect_api, batch_size="1", task_runner="processes", workers="2")
    proc = subprocess.Popen(
        [str(STANCEWATCH), "ingest", str(corpus), "--db", str(tmp_path / "s.duckdb")],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    session_processes.append(proc)
    # The pool's workers are the fork server's children; they start with the run's first batch.
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while not workers:
        assert proc.poll() is None and time.monotonic() < deadline, "the run's workers never started"
        workers = [w for child in _children(proc.pid) for w in _children(child)]
        time.sleep(0.02)
    os.kill(workers[0], signal.SIGKILL)
    out, errors = proc.communicate(timeout=120)

    assert proc.returncode == 1
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out, errors)
    assert "a worker process died mid-run" in one_error_line(result)


def test_the_command_needs_no_prefect_for_a_bad_watchlist(tmp_path: Path) -> None:
    # The watchlist is read before Prefect starts: no local server is started for a typo.
    env = cli_env()
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    result = stancewatch(["ingest", str(SAMPLE), "--watchlist", "typo.toml"], env, tmp_path)
    assert result.returncode == 2 and "no such watchlist file" in one_error_line(result)
    assert not (tmp_path / "prefect-home").exists() or not any((tmp_path / "prefect-home").iterdir())
    shutil.rmtree(tmp_path / "prefect-home", ignore_errors=True)


def test_prefects_local_server_dying_mid_run_is_said_in_one_line(
    tmp_path: Path, session_processes: list[subprocess.Popen[str]]
) -> None:
    corpus = tmp_path / "corpus"
    _dated_corpus(corpus, 30)
    env = cli_env(batch_size="1")  # Prefect's local mode: the run starts its own server, a child process
    env.pop("PREFECT_API_URL", None)
    env["PREFECT_LOGGING_LEVEL"] = "INFO"  # for the "batch:" line
    # Prefect's default client retries (5, with backoff) take over two minutes to give up on the API.
    env["PREFECT_CLIENT_MAX_RETRIES"] = "1"
    proc = subprocess.Popen(
        [str(STANCEWATCH), "ingest", str(corpus), "--db", str(tmp_path / "s.duckdb")],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    session_processes.append(proc)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "batch: 1 documents" in line:
            [server] = [
                c for c in _children(proc.pid) if b"uvicorn" in Path(f"/proc/{c}/cmdline").read_bytes()
            ]
            os.kill(server, signal.SIGKILL)
            break
    out, errors = proc.communicate(timeout=150)

    assert proc.returncode == 1
    assert "Traceback" not in out + errors
    said = [line for line in errors.splitlines() if line.strip() and not line.startswith(("INFO", " "))]
    assert len(said) <= 2, said  # a note when Prefect first fails to reach it, then the run's end
    assert "Prefect's API" in said[-1] and "stopped answering mid-run" in said[-1]
