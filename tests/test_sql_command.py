"""`stancewatch sql` reads the store and nothing else: each attack is run through the real CLI on a real
DuckDB file, and the store, the file system and the exit code are checked afterwards."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import Result
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.store import reader, writer
from tests.test_store import store_scenario

CLAIMS_IN_SCENARIO = 22


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "store.duckdb"
    with writer(db) as con:
        store_scenario(con)
    return db


def _sql(store: Path, statement: str, *options: str) -> Result:
    return CliRunner().invoke(app, ["sql", statement, "--db", str(store), *options])


def _claims(store: Path) -> int:
    with reader(store) as con:
        row = con.execute("SELECT count(*) FROM claims").fetchone()
    assert row is not None
    return int(row[0])


def _assert_refused(result: Result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("refused:"), result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]


def test_one_command_cannot_reattach_the_store_and_drop_claims(store: Path, tmp_path: Path) -> None:
    other = tmp_path / "x.duckdb"
    attack = (
        f"ATTACH '{other}' AS n (READ_WRITE); USE n; DETACH store; "
        f"ATTACH '{store}' AS w (READ_WRITE); DROP TABLE w.claims"
    )
    _assert_refused(_sql(store, attack), "one statement")
    assert _claims(store) == CLAIMS_IN_SCENARIO
    assert not other.exists()


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("ATTACH '{tmp}/x.duckdb' AS n (READ_WRITE)", "ATTACH"),
        ("USE memory", "SET"),
        ("DETACH store", "DETACH"),
        ("DROP TABLE claims", "DROP"),
        ("DELETE FROM claims", "DELETE"),
        ("COPY claims TO '{tmp}/claims.csv'", "COPY"),
        ("EXPORT DATABASE '{tmp}/dump'", "EXPORT"),
        ("INSTALL httpfs", "LOAD"),
        ("LOAD httpfs", "LOAD"),
        ("SET enable_external_access = true", "SET"),
        ("RESET lock_configuration", "SET"),
        ("PRAGMA enable_profiling", "PRAGMA"),
        ("CALL pragma_version()", "CALL"),
        ("CHECKPOINT", "CALL"),
        ("CREATE TEMP TABLE t AS SELECT 1", "CREATE"),
        ("EXPLAIN ANALYZE COPY claims TO '{tmp}/plan.csv'", "EXPLAIN"),
    ],
)
def test_statements_that_are_not_queries_are_refused_before_they_run(
    store: Path, tmp_path: Path, statement: str, kind: str
) -> None:
    _assert_refused(_sql(store, statement.format(tmp=tmp_path)), kind)
    assert _claims(store) == CLAIMS_IN_SCENARIO
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.duckdb"]


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT 1; SELECT 2",
        "SELECT count(*) FROM claims; DROP TABLE claims",
    ],
)
def test_only_one_statement_runs(store: Path, statement: str) -> None:
    _assert_refused(_sql(store, statement), "2 statements")
    assert _claims(store) == CLAIMS_IN_SCENARIO


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_blob('/etc/passwd')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM '{tmp}/secret.csv'",
        "SELECT * FROM (SELECT 1) AS t, read_csv_auto('{tmp}/secret.csv')",
    ],
)
def test_queries_cannot_read_other_files(store: Path, tmp_path: Path, statement: str) -> None:
    (tmp_path / "secret.csv").write_text("password\nhunter2\n", encoding="utf-8")
    result = _sql(store, statement.format(tmp=tmp_path))
    _assert_refused(result, "disabled by configuration")
    assert "root:" not in result.output and "hunter2" not in result.output


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("SELECT count(*) AS n FROM claims", "n\n22\n"),
        ("WITH c AS (SELECT actor FROM claims) SELECT count(DISTINCT actor) AS actors FROM c", "actors\n3\n"),
        ("FROM claims SELECT count(*) AS n;", "n\n22\n"),
    ],
)
def test_ordinary_queries_still_work(store: Path, statement: str, expected: str) -> None:
    result = _sql(store, statement, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output == expected


def test_describe_show_and_summarize_still_work(store: Path) -> None:
    described = _sql(store, "DESCRIBE claims", "--format", "json")
    assert described.exit_code == 0 and '"column_name": "evidence"' in described.output, described.output
    shown = _sql(store, "SHOW TABLES", "--format", "csv")
    assert shown.exit_code == 0 and "claims" in shown.output.splitlines(), shown.output
    summarized = _sql(store, "SUMMARIZE articles", "--format", "csv")
    assert summarized.exit_code == 0 and "published" in summarized.output, summarized.output


def test_a_syntax_error_is_an_sql_error_not_a_traceback(store: Path) -> None:
    result = _sql(store, "SELEC 1")
    assert result.exit_code == 1 and "SQL error" in result.output and "Traceback" not in result.output


def test_rich_markup_in_values_is_shown_as_text(store: Path) -> None:
    first, last = "(SELECT min(doc) FROM articles)", "(SELECT max(doc) FROM articles)"
    with writer(store) as con:
        con.execute(f"UPDATE articles SET title = '[/x] closes nothing' WHERE doc = {first}")
        con.execute(f"UPDATE articles SET title = '[bold]Hamas[/bold] accepts' WHERE doc = {last}")
    result = _sql(store, "SELECT title AS \"[red]title\" FROM articles WHERE title LIKE '[%' ORDER BY title")
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert "[/x] closes nothing" in result.output
    assert "[bold]Hamas[/bold] accepts" in result.output
    assert "[red]title" in result.output


def test_the_sealed_connection_refuses_files_even_without_the_kind_check(store: Path) -> None:
    # the second wall: had a file-reading statement passed the kind check, the connection still refuses it
    from pipeline.store import sealed_reader

    with sealed_reader(store) as con, pytest.raises(duckdb.PermissionException):
        con.execute("SELECT * FROM read_text('/etc/passwd')")
