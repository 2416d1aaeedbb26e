"""Flow runs the CLI starts send no Prefect heartbeats unless STANCEWATCH_PREFECT_HEARTBEATS is true.

Real flow runs on the session's ephemeral Prefect server. The harness turns heartbeats off for the whole
session, so each test first restores Prefect's default (on, every 180 s): what a user's run starts from.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from prefect import flow, task
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings
from typer.testing import CliRunner

from flows.daily import flow_run_heartbeats, run_locally
from pipeline.cli import app
from pipeline.settings import get_settings
from tests.conftest import SAMPLE

pytestmark = pytest.mark.usefixtures("prefect_harness")

# What Prefect's flow-run engine logs at debug level when it starts its heartbeat thread, and a line it
# logs in every run (so a capture that saw nothing cannot pass for "no heartbeats").
_HEARTBEATS_STARTED = "Started flow run heartbeat context"
_RUN_EXECUTED = "Executing flow"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _flow_run_debug_log() -> Iterator[list[str]]:
    logger = logging.getLogger("prefect.flow_runs")
    handler, level = _Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@contextmanager
def _prefect_defaults() -> Iterator[None]:
    with temporary_settings(restore_defaults={PREFECT_FLOWS_HEARTBEAT_FREQUENCY}):
        assert get_current_settings().flows.heartbeat_frequency == 180
        yield


def _cli(tmp_path: Path, *args: str) -> list[str]:
    """Run a command with Prefect's defaults; the flow-run engine's debug lines."""
    with _prefect_defaults(), _flow_run_debug_log() as messages:
        result = CliRunner().invoke(app, [*args, "--db", str(tmp_path / "store.duckdb")])
    assert result.exit_code == 0, result.output
    assert any(_RUN_EXECUTED in m for m in messages), messages
    return messages


@pytest.mark.parametrize(
    "command",
    [("ingest", str(SAMPLE)), ("run", "--sources", "no-sources.toml"), ("demo",)],
    ids=["ingest", "run", "demo"],
)
def test_cli_flow_runs_send_no_heartbeats_by_default(tmp_path: Path, command: tuple[str, ...]) -> None:
    messages = _cli(tmp_path, *command)
    assert not any(_HEARTBEATS_STARTED in m for m in messages)


def test_cli_flow_runs_send_heartbeats_when_the_setting_is_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STANCEWATCH_PREFECT_HEARTBEATS", "true")
    messages = _cli(tmp_path, "run", "--sources", "no-sources.toml")
    assert any(_HEARTBEATS_STARTED in m for m in messages)


@task
def _heartbeat_frequency_in_task() -> int | None:
    return get_current_settings().flows.heartbeat_frequency


@flow
def _heartbeat_frequencies() -> tuple[int | None, int | None]:
    return get_current_settings().flows.heartbeat_frequency, _heartbeat_frequency_in_task()


@pytest.mark.parametrize(("on", "expected"), [(False, None), (True, 180)])
def test_run_locally_sets_the_frequency_the_run_sees(on: bool, expected: int | None) -> None:
    settings = get_settings(task_runner="threads", prefect_heartbeats=on)
    with _prefect_defaults():
        assert run_locally(_heartbeat_frequencies, settings) == (expected, expected)
        # Outside the run, Prefect's configuration is as it was.
        assert get_current_settings().flows.heartbeat_frequency == 180


def test_turning_heartbeats_off_changes_no_other_setting() -> None:
    with _prefect_defaults():
        expected = get_current_settings().model_dump()
        with flow_run_heartbeats(False):
            inside = get_current_settings().model_dump()
    expected["flows"]["heartbeat_frequency"] = None
    assert inside == expected
