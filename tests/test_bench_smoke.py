"""The benchmark's code on a few documents, so it cannot rot between bench runs (no timing checked)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from tests.conftest import shared_path


def test_stage_costs_cover_every_stage_of_a_small_corpus() -> None:
    shared_path("corpus", "news-2017", "NewsArticles.csv")
    from bench.loaders import news2017
    from bench.run import stage_costs, tokenisation_floor

    stages = stage_costs(partial(news2017, limit=20), batch_size=8)

    assert set(stages) == {"read", "clean", "signatures", "claims", "dedupe", "store"}
    assert stages["claims"]["cpu_s"] > 0
    assert sum(s["share"] for s in stages.values()) == pytest.approx(1.0, abs=0.01)
    seconds, words = tokenisation_floor(partial(news2017, limit=20))
    assert words > 1000 and seconds >= 0


@pytest.mark.usefixtures("prefect_harness")
def test_flow_run_then_rerun_and_plain_run_store_the_same(tmp_path: Path) -> None:
    shared_path("corpus", "news-2017", "NewsArticles.csv")
    from bench.loaders import news2017
    from bench.run import run_flow, run_plain, settings_for

    loader = partial(news2017, limit=20)
    settings = settings_for(tmp_path / "flow.duckdb", "threads", 1, 8)
    first = run_flow(loader, settings)
    again = run_flow(loader, settings)
    plain = run_plain(loader, settings_for(tmp_path / "plain.duckdb", "threads", 1, 8))

    assert first.result["new_articles"] >= 19  # one of the 20 may clean to nothing
    assert first.result["new_claims"] > 0
    assert again.result["new_articles"] == 0
    assert again.result["already_stored"] == first.result["new_articles"]
    assert plain.result["articles"] == first.result["new_articles"]
    assert plain.result["claims"] == first.result["new_claims"]
    assert first.peak_rss_mb > 0 and first.wall_s > 0


def test_generated_digest_store_has_positions_on_occurrences(tmp_path: Path) -> None:
    from bench.digest_store import build_store, time_digest
    from pipeline.store import reader

    store = tmp_path / "digest.duckdb"
    assert build_store(store, 4000) > 0
    assert build_store(store, 4000) == 0.0  # reused

    with reader(store) as con:
        claims, occurrences, missing = con.execute(
            "SELECT (SELECT count(*) FROM claims), count(*),"
            " count(*) FILTER (WHERE actor IS NULL OR stance IS NULL OR stated_on IS NULL)"
            " FROM claim_occurrences"
        ).fetchone()  # type: ignore[misc]
    assert claims == 4000
    assert occurrences == 5000  # one syndicated copy for one article in four
    assert missing == 0
    timing = time_digest(store, repeat=1)
    assert timing["occurrences"] == 5000
    assert timing["changed"] + timing["new"] > 0


@pytest.mark.usefixtures("prefect_harness")
def test_html_part_pairs_each_run_with_the_floor_of_its_round(tmp_path: Path) -> None:
    import argparse

    shared_path("corpus", "pages", "zyte", "ground-truth.json")
    from bench.run import Report, part_html

    args = argparse.Namespace(html_limit=3, html_rounds=2, batch_size=500, heartbeats=None)
    report = Report()
    part_html(args, tmp_path, report)

    html = report.parts["html"]
    assert html["pages"] == 3 and len(html["rounds"]) == 2
    for label in ("single", "workers"):
        summary = html[label]
        assert summary["ratio"] in {r[f"{label}_ratio"] for r in html["rounds"]}
        assert summary["ratio_best"] <= summary["ratio"] <= summary["ratio_worst"]
        assert summary["ratio_vs_fast"] > 0
    assert html["ratio_vs_trafilatura"] == html["single"]["ratio"]
    for timing in html["rounds"]:  # the floor of a round is the mean of the ones timed before and after
        assert timing["trafilatura_s"] == pytest.approx(
            sum(timing["trafilatura_before_after_s"]) / 2, abs=2e-3
        )


def test_prefect_share_of_wall_time_and_of_cpu() -> None:
    from bench.run import Timed, _cpu_share, _share, _share_note

    # A plain run slower than the flow run: the VM's noise exceeded Prefect's cost in wall time.
    flow = Timed(wall_s=10.0, cpu_s=18.0, prefect_server_cpu_s=1.0)
    plain = Timed(wall_s=11.0, cpu_s=17.1, prefect_server_cpu_s=0.2)
    assert _share(flow, plain) == 0.0
    assert _cpu_share(flow, plain) == pytest.approx(1.7 / 19.0)
    assert _share_note([flow], [plain]) == "Prefect share 0% of wall time (rounds -10%), 9% of CPU"
