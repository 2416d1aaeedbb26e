"""`stancewatch claims review`: the claims behind a day's changes, and a user's verdict on one of them.

A real DuckDB file with two days of Nicola Sturgeon on a second referendum, sentences verbatim from
news-2017-positions: 02188 (Al Jazeera, 2017-03-13) demands one; 02912 (DW, 2017-03-18) is open to talk
about its timing. The command runs through typer's CliRunner (and once as a real process); digests are
written as the flows write them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.digest import build_digest
from pipeline.digest.publish import write_digests
from pipeline.models import Claim, ExtractionResult
from pipeline.settings import Settings
from pipeline.store import reader, stored_digest, writer
from pipeline.store.write import save_batch
from tests.conftest import REPO
from tests.test_store import make_article, make_claim

DEMANDED = (
    "Scottish First Minister Nicola Sturgeon demanded an independence referendum to be held in late 2018 or "
    "early 2019, once the terms of Britain's exit from the European Union have become clearer."
)
OPEN_TO_TALK = (
    '"(May) has time to think again and I hope she does. If her concern is timing then - within reason - I '
    'am happy to have that discussion," Sturgeon said.'
)
MARCH_13, MARCH_18 = date(2017, 3, 13), date(2017, 3, 18)


def _batches(open_confidence: float) -> list[tuple[Any, ExtractionResult]]:
    sturgeon = {"actor": "Nicola Sturgeon", "speaker": "Nicola Sturgeon", "topic": "scottish-referendum"}
    batches = []
    for doc, source, day, stance, confidence, evidence in (
        ("02188.txt", "Al Jazeera", MARCH_13, "demand", 0.85, DEMANDED),
        ("02912.txt", "DW", MARCH_18, "consider", open_confidence, OPEN_TO_TALK),
    ):
        article = make_article(doc, source, day, [evidence])
        claim, occurrence = make_claim(
            article, {**sturgeon, "stance": stance, "confidence": confidence, "evidence": evidence}
        )
        batches.append((article, ExtractionResult(claims=(claim,), occurrences=(occurrence,))))
    return batches


def _ingest(settings: Settings, batches: list[tuple[Any, ExtractionResult]]) -> None:
    """Save the batches and write every day's digest, as an ingest run does."""
    with writer(settings.db) as con:
        for article, extraction in batches:
            save_batch(con, articles=[article], duplicates=[], extraction=extraction, run_id="ingest")
        write_digests(con, [MARCH_13, MARCH_18], settings=settings, run_id="ingest")


def _claim_ids(batches: list[tuple[Any, ExtractionResult]]) -> tuple[str, str]:
    first, second = (extraction.claims[0] for _, extraction in batches)
    assert isinstance(first, Claim) and isinstance(second, Claim)
    return first.claim_id, second.claim_id


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("STANCEWATCH_DIGEST_DIR", str(tmp_path / "digests"))
    return Settings(db=tmp_path / "store.duckdb", digest_dir=tmp_path / "digests")


def review(settings: Settings, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, ["claims", "review", *args, "--db", str(settings.db)])
    assert result.exit_code == code, result.output
    return result.output


def _stored_changes(settings: Settings, day: date) -> list[dict[str, Any]]:
    with reader(settings.db) as con:
        stored = stored_digest(con, day)
    assert stored is not None
    changed: list[dict[str, Any]] = stored["body"]["changed"]
    return changed


def _digest_now(settings: Settings, day: date) -> Any:
    with reader(settings.db) as con:
        return build_digest(con, day, min_confidence=settings.min_confidence, aliases={}, topic_phrases={})


def test_review_lists_the_claims_behind_the_latest_change(settings: Settings) -> None:
    batches = _batches(open_confidence=0.9)
    _ingest(settings, batches)
    demanded, open_to_talk = _claim_ids(batches)
    rows = json.loads(review(settings, "--format", "json"))
    assert [(r["day"], r["item"], r["side"], r["claim_id"]) for r in rows] == [
        ("2017-03-18", "changed", "before", demanded),
        ("2017-03-18", "changed", "now", open_to_talk),
    ]
    now = rows[1]
    assert (now["actor"], now["stance"], now["topic"], now["speaker"], now["outlet"]) == (
        "Nicola Sturgeon",
        "consider",
        "scottish-referendum",
        "Nicola Sturgeon",
        "DW",
    )
    assert now["evidence"] == OPEN_TO_TALK and now["stated_on"] == "2017-03-18"
    # As text: the item, then each claim with its whole id and its evidence.
    text = review(settings)
    assert "2017-03-18  changed  Nicola Sturgeon on scottish-referendum: demand → consider" in text
    assert f"  now     {open_to_talk}  Nicola Sturgeon · consider · scottish-referendum" in text
    assert OPEN_TO_TALK in text and demanded in text
    # A day without a change or dispute says so.
    assert review(settings, "--day", "2017-03-13").strip() == "no changed or disputed position on 2017-03-13"


def test_rejecting_the_claim_behind_a_change_removes_it_on_rebuild(settings: Settings) -> None:
    batches = _batches(open_confidence=0.9)
    _ingest(settings, batches)
    _, open_to_talk = _claim_ids(batches)
    assert [c["to"] for c in _stored_changes(settings, MARCH_18)] == ["consider"]

    out = review(settings, "--reject", open_to_talk)
    assert out.splitlines() == [f"claim {open_to_talk} rejected; digests rebuilt: 2017-03-18"]
    # The stored digest, its files and a digest built now all lose the change.
    assert _stored_changes(settings, MARCH_18) == []
    assert "demand → consider" not in (settings.digest_dir / "2017-03-18.md").read_text(encoding="utf-8")
    rebuilt = _digest_now(settings, MARCH_18)
    assert (rebuilt.changed, rebuilt.disputed, rebuilt.rejected) == ((), (), 1)
    assert review(settings).strip() == "no changed or disputed position on any day"


def test_confirming_a_claim_below_the_threshold_makes_it_count(settings: Settings) -> None:
    batches = _batches(open_confidence=0.45)
    _ingest(settings, batches)
    _, open_to_talk = _claim_ids(batches)
    before = _digest_now(settings, MARCH_18)
    assert (before.changed, before.left_out) == ((), 1)
    assert _stored_changes(settings, MARCH_18) == []

    out = review(settings, "--confirm", open_to_talk)
    assert out.splitlines() == [f"claim {open_to_talk} confirmed; digests rebuilt: 2017-03-18"]
    (change,) = _stored_changes(settings, MARCH_18)
    assert (change["from"], change["to"]) == ("demand", "consider")
    assert change["after"]["claims"][0]["review"] == "confirmed"
    assert _digest_now(settings, MARCH_18).left_out == 0


def test_a_verdict_on_a_standing_claim_rebuilds_the_later_days_it_held(settings: Settings) -> None:
    batches = _batches(open_confidence=0.9)
    _ingest(settings, batches)
    demanded, _ = _claim_ids(batches)
    out = review(settings, "--reject", demanded)
    # 03-18 read the demand as its standing position (within the 90-day window): rebuilt too.
    assert out.splitlines() == [f"claim {demanded} rejected; digests rebuilt: 2017-03-13, 2017-03-18"]
    assert _stored_changes(settings, MARCH_18) == []
    with reader(settings.db) as con:
        stored = stored_digest(con, MARCH_18)
    assert stored is not None
    assert [n["stance"] for n in stored["body"]["new"]] == ["consider"]


def test_a_verdict_survives_reingesting_and_a_later_one_replaces_it(settings: Settings) -> None:
    batches = _batches(open_confidence=0.9)
    _ingest(settings, batches)
    _, open_to_talk = _claim_ids(batches)
    review(settings, "--reject", open_to_talk)
    _ingest(settings, batches)  # the same input again: claims are never rewritten, the verdict stays
    with reader(settings.db) as con:
        assert con.execute("SELECT claim_id, verdict FROM claim_reviews").fetchall() == [
            (open_to_talk, "rejected")
        ]
        assert con.execute("SELECT count(*) FROM claims").fetchone() == (2,)
    assert _stored_changes(settings, MARCH_18) == []

    review(settings, "--confirm", open_to_talk)
    with reader(settings.db) as con:
        assert con.execute("SELECT claim_id, verdict FROM claim_reviews").fetchall() == [
            (open_to_talk, "confirmed")
        ]
    assert [c["to"] for c in _stored_changes(settings, MARCH_18)] == ["consider"]


def test_an_unknown_id_is_one_line_and_exit_2(settings: Settings) -> None:
    _ingest(settings, _batches(open_confidence=0.9))
    result = CliRunner().invoke(app, ["claims", "review", "--reject", "0000", "--db", str(settings.db)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "unknown claim id: 0000 (`stancewatch claims review` lists them)"
    ]
    with reader(settings.db) as con:
        assert con.execute("SELECT count(*) FROM claim_reviews").fetchone() == (0,)
    assert "not both" in review(settings, "--reject", "a", "--confirm", "b", code=2)


def test_review_runs_as_a_command_without_importing_prefect(settings: Settings) -> None:
    batches = _batches(open_confidence=0.9)
    _ingest(settings, batches)
    _, open_to_talk = _claim_ids(batches)
    script = (
        "import sys\n"
        "from pipeline.cli import main\n"
        "sys.argv = ['stancewatch', 'claims', 'review', '--reject', sys.argv[1], '--db', sys.argv[2]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "print('prefect' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, open_to_talk, str(settings.db)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"STANCEWATCH_DIGEST_DIR": str(settings.digest_dir), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"claim {open_to_talk} rejected; digests rebuilt: 2017-03-18",
        "False",
    ]
