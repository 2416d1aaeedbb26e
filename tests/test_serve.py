"""The scheduled deployment end to end, as the README tells a user to run it.

A real `prefect server start` on a free loopback port (temp PREFECT_HOME), `stancewatch serve` in a
subprocess, a manual trigger with `prefect deployment run … --watch`, and the run completes with
claims in DuckDB. The cron schedule must also have created scheduled runs (SQLAlchemy 2.1 once broke
that silently). Every process started here is stopped, `serve` before the server.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipeline.store import reader
from tests.conftest import SAMPLE
from tests.httpserver import FaultServer, http_server_fixture  # noqa: F401  (provides http_server)

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def _wait_for(check: object, what: str, timeout: float, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"{what}: process exited {proc.returncode}\n{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            if check():  # type: ignore[operator]
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.5)
    pytest.fail(f"{what} not ready after {timeout}s\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env={k: v for k, v in env.items() if k != "PREFECT_API_URL"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(lambda: httpx.get(f"{api}/health", timeout=2).status_code == 200, "server", 120, proc, log)
        yield api, env
    finally:
        _stop(proc)


def test_served_daily_deployment_runs_on_manual_trigger_and_schedules(
    prefect_server: tuple[str, dict[str, str]], http_server: FaultServer, tmp_path: Path
) -> None:
    api, env = prefect_server
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[feed]]\nname = "Al-Monitor"\nurl = "{http_server.url("/feeds/al-monitor.xml")}"\n')
    db = tmp_path / "store.duckdb"
    serve_env = {
        **env,
        "STANCEWATCH_DB": str(db),
        "STANCEWATCH_SOURCES": str(sources),
        "STANCEWATCH_WATCHLIST": str(SAMPLE / "watchlist.toml"),
        "STANCEWATCH_DIGEST_DIR": str(tmp_path / "digests"),
        "STANCEWATCH_HTTP_ALLOW_PRIVATE": "true",
        "STANCEWATCH_HTTP_PER_HOST_DELAY": "0",
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        serve = subprocess.Popen(
            [str(BIN / "stancewatch"), "serve"],
            env=serve_env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(
            lambda: (
                httpx.get(f"{api}/deployments/name/stancewatch-daily/daily", timeout=2).status_code == 200
            ),
            "deployment",
            90,
            serve,
            log,
        )
        trigger = subprocess.run(
            [
                str(BIN / "prefect"),
                "deployment",
                "run",
                "stancewatch-daily/daily",
                "--watch",
                "--watch-timeout",
                "240",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert trigger.returncode == 0, (
            trigger.stdout + trigger.stderr + log.read_text(errors="replace")[-3000:]
        )
        assert "Completed" in trigger.stdout, trigger.stdout

        deployment = httpx.get(f"{api}/deployments/name/stancewatch-daily/daily", timeout=5).json()
        runs = httpx.post(
            f"{api}/flow_runs/filter",
            json={"deployments": {"id": {"any_": [deployment["id"]]}}},
            timeout=10,
        ).json()
        states = [r["state"]["type"] for r in runs]
        assert "COMPLETED" in states, states
        assert "SCHEDULED" in states, f"the cron schedule created no runs: {states}"
    finally:
        _stop(serve, timeout=30)  # before the server: on SIGTERM serve pauses its deployment through the API

    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 4  # type: ignore[index]
        assert con.execute("SELECT count(*) FROM claims").fetchone()[0] > 0  # type: ignore[index]
        [(stats,)] = con.execute("SELECT stats FROM runs WHERE kind = 'daily'").fetchall()
    assert json.loads(stats)["sources"][0]["status"] == "ok"
