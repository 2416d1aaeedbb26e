"""The whole path on the sample corpus, through the real Prefect flow and a real DuckDB file.

Runs the ingest flow once per test module (the flow is what `make demo` runs), then checks the
claims against the hand-labelled gold with the shared scorer and the digests against gold_digest.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.settings import Settings
from pipeline.store import reader
from tests.conftest import SAMPLE, shared_path


@pytest.fixture(scope="module")
def demo_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from flows.daily import ingest_flow

    root = tmp_path_factory.mktemp("e2e")
    settings = Settings(
        db=root / "store.duckdb", digest_dir=root / "digests", watchlist=SAMPLE / "watchlist.toml"
    )
    first = ingest_flow(str(SAMPLE), settings=settings, all_digests=True)
    with reader(settings.db) as con:
        counts_first = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _TABLES}  # type: ignore[index]
    artifacts = _artifact_keys("digest-2025-", "daily-digest")
    second = ingest_flow(str(SAMPLE), settings=settings, all_digests=True)
    with reader(settings.db) as con:
        counts_second = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _TABLES}  # type: ignore[index]
    yield {
        "settings": settings,
        "first": first,
        "second": second,
        "counts_first": counts_first,
        "counts_second": counts_second,
        "artifacts": artifacts,
    }


def _artifact_keys(*prefixes: str) -> set[str]:
    """Keys of the Prefect artifacts the local server holds that start with one of ``prefixes``."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(like_=None, any_=None, exists_=True))
        )
    return {a.key for a in found if a.key and a.key.startswith(prefixes)}


def test_the_runs_last_week_of_digests_and_the_latest_are_prefect_artifacts(demo_run: dict[str, Any]) -> None:
    # four days have digests (05-27 … 07-25); artifacts for the last 7 days of the run (the default) and
    # the latest as daily-digest; the older days' digests are files and rows as before
    keys = demo_run["artifacts"]
    assert {"digest-2025-07-25", "daily-digest"} <= keys
    assert "digest-2025-07-02" not in keys and "digest-2025-05-27" not in keys
    assert len(demo_run["first"]["digests"]) == 4


_TABLES = (
    "articles",
    "duplicates",
    "sentences",
    "claims",
    "claim_occurrences",
    "actors",
    "topics",
    "digests",
)


def _cli(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--db", str(settings.db)])
    assert result.exit_code == 0, result.output
    return result.output


def test_flow_stores_every_sample_article(demo_run: dict[str, Any]) -> None:
    assert demo_run["first"]["new_articles"] == 5
    assert demo_run["first"]["skipped"] == []
    assert demo_run["counts_first"]["claims"] > 20
    assert len(demo_run["first"]["digests"]) == 4  # four days have articles


def test_second_run_changes_no_row_counts(demo_run: dict[str, Any]) -> None:
    assert demo_run["counts_second"] == demo_run["counts_first"]
    assert demo_run["second"]["already_stored"] == 5
    assert demo_run["second"]["new_claims"] == 0


def test_claims_export_scores_against_gold(demo_run: dict[str, Any], tmp_path: Path) -> None:
    gold = shared_path("corpus", "gaza-seeds", "gold_claims.jsonl")
    scorer = shared_path("eval", "score_claims.py")
    export = tmp_path / "claims.jsonl"
    _cli(demo_run["settings"], "claims", "export", "--format", "jsonl", "--output", str(export))
    lines = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert {"doc", "evidence", "actor", "speaker", "stance", "topic", "published", "source"} <= set(lines[0])
    result = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(export), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    score = json.loads(result.stdout)
    assert score["precision"] >= 0.80, score
    assert score["recall"] >= 0.70, score


def _digest(settings: Settings, day: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(_cli(settings, "digest", "--day", day, "--format", "json"))
    return body


def test_digest_reports_the_gold_changes(demo_run: dict[str, Any]) -> None:
    gold = json.loads(shared_path("corpus", "gaza-seeds", "gold_digest.json").read_text(encoding="utf-8"))
    settings = demo_run["settings"]
    for change in gold["changed"]:
        body = _digest(settings, change["day"])
        assert set(body) >= {"day", "changed", "contradictions", "new"}
        found = [
            c
            for c in body["changed"]
            if (c["actor"], c["topic"], c["from"], c["to"])
            == (change["actor"], change["topic"], change["from"], change["to"])
        ]
        assert found, f"{change} not in {body['changed']}"
        assert found[0]["evidence_from"] and found[0]["evidence_to"] and found[0]["sources"]


def test_digest_reports_the_gold_contradiction(demo_run: dict[str, Any]) -> None:
    gold = json.loads(shared_path("corpus", "gaza-seeds", "gold_digest.json").read_text(encoding="utf-8"))
    for expected in gold["contradictions"]:
        body = _digest(demo_run["settings"], expected["day"])
        pairs = [
            {c["a"]["actor"], c["b"]["actor"]}
            for c in body["contradictions"]
            if c["topic"] == expected["topic"]
        ]
        assert {expected["a"]["actor"], expected["b"]["actor"]} in pairs, body["contradictions"]


def test_digest_does_not_report_steady_positions_as_change(demo_run: dict[str, Any]) -> None:
    gold = json.loads(shared_path("corpus", "gaza-seeds", "gold_digest.json").read_text(encoding="utf-8"))
    for steady in gold["unchanged"]:
        body = _digest(demo_run["settings"], steady["day"])
        assert not [
            c for c in body["changed"] if (c["actor"], c["topic"]) == (steady["actor"], steady["topic"])
        ], body["changed"]


def test_digest_files_and_store_rows(demo_run: dict[str, Any]) -> None:
    settings = demo_run["settings"]
    md = (settings.digest_dir / "2025-07-02.md").read_text(encoding="utf-8")
    assert "Hamas" in md and "consider" in md
    assert (settings.digest_dir / "2025-07-02.html").read_text(encoding="utf-8").lstrip().startswith("<!")
    assert demo_run["counts_first"]["digests"] == 4


def test_sql_command_is_read_only(demo_run: dict[str, Any]) -> None:
    settings = demo_run["settings"]
    out = _cli(settings, "sql", "SELECT count(*) AS n FROM articles", "--format", "csv")
    assert out.splitlines() == ["n", "5"]
    result = CliRunner().invoke(app, ["sql", "DELETE FROM articles", "--db", str(settings.db)])
    assert result.exit_code == 2
    assert "refused" in result.output and "DELETE" in result.output


def test_digest_without_day_covers_every_day_with_articles(demo_run: dict[str, Any]) -> None:
    bodies = json.loads(_cli(demo_run["settings"], "digest", "--format", "json"))
    assert [b["day"] for b in bodies] == ["2025-05-27", "2025-06-01", "2025-07-02", "2025-07-25"]
    markdown = _cli(demo_run["settings"], "digest", "--day", "2025-07-25")
    assert "Hamas on ceasefire-proposal: consider (2025-07-02) → reject (2025-07-25)" in markdown


def test_fuzzy_alias_waits_for_review(demo_run: dict[str, Any]) -> None:
    # "Whitcoff" is on no alias list: it resolves to Steve Witkoff by fuzzy match and waits for review.
    out = _cli(demo_run["settings"], "actors", "--review")
    assert "Whitcoff" in out and "Steve Witkoff" in out


def test_ingest_without_watchlist_discovers_speakers(prefect_harness: None, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", str(SAMPLE), "--db", str(tmp_path / "open.duckdb")])
    assert result.exit_code == 0, result.output
    with reader(tmp_path / "open.duckdb") as con:
        statuses = dict(con.execute("SELECT status, count(*) FROM actors GROUP BY status").fetchall())
        named = {
            r[0] for r in con.execute("SELECT actor FROM claims UNION SELECT speaker FROM claims").fetchall()
        }
    assert statuses.get("discovered", 0) > 0 and "canonical" not in statuses
    assert {"Basem Naim", "Benjamin Netanyahu", "Israel", "Hamas"} <= named
