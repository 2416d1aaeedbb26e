"""The real `stancewatch` command in a subprocess, for tests of what a user sees (exit code, stderr)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

STANCEWATCH = Path(sys.executable).parent / "stancewatch"


def cli_env(prefect_api: str | None = None, **settings: str) -> dict[str, str]:
    """The test's environment without its STANCEWATCH_ settings, plus ``settings`` (``batch_size="1"`` is
    STANCEWATCH_BATCH_SIZE=1) and the threads task runner; runs use ``prefect_api`` when given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STANCEWATCH_")}
    if prefect_api is not None:
        env["PREFECT_API_URL"] = prefect_api
    env["STANCEWATCH_TASK_RUNNER"] = "threads"
    env.update({f"STANCEWATCH_{k.upper()}": v for k, v in settings.items()})
    return env


def stancewatch(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(STANCEWATCH), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=180
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a failed command printed on stderr; fails on a traceback or on more lines."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]
