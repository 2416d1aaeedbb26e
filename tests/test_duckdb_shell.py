"""The DuckDB shell users have (PyPI's duckdb-cli, the dev extra) opens the store the pipeline writes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.store import reader, writer
from pipeline.store.db import STORE_STORAGE_VERSION
from tests.test_store import store_scenario


def _duckdb_shell() -> Path:
    """The `duckdb` binary of this venv (pip install -e '.[dev]' puts it there), else one on PATH."""
    beside = Path(sys.executable).parent / "duckdb"
    found = beside if beside.is_file() else (Path(p) if (p := shutil.which("duckdb")) else None)
    if found is None:
        pytest.skip("no duckdb shell: pip install -e '.[dev]' installs duckdb-cli")
    return found


def test_the_duckdb_shell_opens_a_new_store_read_only(tmp_path: Path) -> None:
    shell = _duckdb_shell()
    db = tmp_path / "store.duckdb"
    with writer(db) as con:
        store_scenario(con)
    result = subprocess.run(
        [str(shell), "-readonly", "-csv", str(db), "-c", "SELECT count(*) AS n FROM claims"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["n", "22"], result.stdout


def test_a_new_store_is_written_in_the_pinned_storage_version(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with writer(db):
        pass
    with writer(db) as con:  # written again: DuckDB keeps the file's version
        con.execute("CREATE TABLE later (x INTEGER)")
    with reader(db) as con:
        row = con.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchone()
    assert row == (f"{STORE_STORAGE_VERSION}+",)
