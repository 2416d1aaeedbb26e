"""DuckDB's one-writer lock: a second process waits with backoff, then says who holds the file."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.store import StoreLockedError, open_db, writer

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _hold(db: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    with writer(path):
        pass
    return path


def test_a_locked_store_names_its_holder(db: Path) -> None:
    holder = _hold(db, 30)
    try:
        with pytest.raises(StoreLockedError) as info:
            open_db(db, retries=1, base_delay=0.01)
        assert str(holder.pid) in str(info.value) and "one writer" in str(info.value)

        result = CliRunner().invoke(
            app, ["sql", "SELECT 1", "--db", str(db)], env={"STANCEWATCH_LOCK_RETRIES": "0"}
        )
        assert result.exit_code == 1
        assert "locked by" in result.output and str(holder.pid) in result.output
    finally:
        holder.kill()
        holder.wait()


def test_a_writer_waits_for_the_lock_to_be_released(db: Path) -> None:
    holder = _hold(db, 1.0)
    started = time.monotonic()
    opened: list[float] = []

    def open_when_free() -> None:
        con = open_db(db, retries=10, base_delay=0.2)
        opened.append(time.monotonic() - started)
        con.close()

    thread = threading.Thread(target=open_when_free)
    thread.start()
    thread.join(60)
    holder.wait(10)
    assert opened, "the writer gave up while the lock was about to be released"
