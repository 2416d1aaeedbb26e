"""task_runner=dask: the ingest flow on a local Dask cluster stores what the default runner stores."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.settings import Settings
from pipeline.store import reader
from tests.conftest import SAMPLE

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("prefect_dask") is None,
    reason="prefect-dask is not installed (pip install 'stancewatch[dask]' or prefect-dask)",
)


@pytest.fixture(scope="module")
def dask_address() -> Iterator[str]:
    """One in-process Dask scheduler and worker (threads, no subprocesses), on loopback TCP."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address


def _stored(db: Path) -> dict[str, int]:
    with reader(db) as con:
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table in ("articles", "claims", "claim_occurrences")
        }


def _settings(tmp_path: Path, name: str, **overrides: object) -> Settings:
    return Settings(
        db=tmp_path / f"{name}.duckdb",
        digest_dir=tmp_path / f"{name}-digests",
        watchlist=SAMPLE / "watchlist.toml",
        **overrides,  # type: ignore[arg-type]
    )


@pytest.mark.usefixtures("prefect_harness")
def test_dask_runner_stores_the_same_claims_as_the_default_runner(tmp_path: Path, dask_address: str) -> None:
    from flows.daily import ingest_flow, task_runner_for, with_runner

    dask_settings = _settings(tmp_path, "dask", task_runner="dask", workers=1, dask_address=dask_address)
    assert type(task_runner_for(dask_settings)).__name__ == "DaskTaskRunner"
    default_settings = _settings(tmp_path, "default")

    on_dask = with_runner(ingest_flow, dask_settings)(str(SAMPLE), settings=dask_settings)
    by_default = with_runner(ingest_flow, default_settings)(str(SAMPLE), settings=default_settings)

    assert on_dask["new_claims"] > 0
    assert on_dask["new_articles"] == by_default["new_articles"] == 5
    assert on_dask["new_claims"] == by_default["new_claims"]
    assert _stored(dask_settings.db) == _stored(default_settings.db)
