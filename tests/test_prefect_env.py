"""``PREFECT_API_URL=`` (empty, as the Makefile sets it) behaves as unset: local mode, no events-worker
tracebacks. Real subprocesses, since Prefect reads its settings from the environment when first imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SAMPLE

STANCEWATCH = Path(sys.executable).parent / "stancewatch"


def _environment_with_an_empty_api_url(prefect_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "STANCEWATCH_"))}
    env.update(
        PREFECT_API_URL="",
        PREFECT_HOME=str(prefect_home),
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90",
    )
    return env


def test_ingest_with_an_empty_api_url_prints_no_events_worker_tracebacks(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(STANCEWATCH), "ingest", str(SAMPLE), "--db", str(tmp_path / "store.duckdb")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_environment_with_an_empty_api_url(tmp_path / "prefect"),
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "5 new articles" in result.stdout, result.stdout
    assert "EventsWorker" not in result.stderr, result.stderr[:3000]
    assert "Traceback" not in result.stderr, result.stderr[:3000]


def test_importing_the_flows_drops_an_empty_api_url_before_prefect_reads_it(tmp_path: Path) -> None:
    # what `prefect deploy flows/daily.py:daily_flow`, bench/run.py or a user's script go through
    code = (
        "import flows.daily\n"
        "from prefect.events.worker import should_emit_events_to_running_server\n"
        "from prefect.settings import get_current_settings\n"
        "print(get_current_settings().api.url, should_emit_events_to_running_server())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=_environment_with_an_empty_api_url(tmp_path / "prefect"),
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == ["None", "False"], result.stdout
