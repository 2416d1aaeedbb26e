"""Shared test fixtures: paths to ../shared, a temp Prefect home, a migrated DuckDB."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Prefect must never read the user's ~/.prefect nor phone home (no internet here). Set before any import.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="stancewatch-prefect-"))
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.pop("PREFECT_API_URL", None)
# Settings come from the test, never from a developer's .env or environment.
for key in [k for k in os.environ if k.startswith("STANCEWATCH_")]:
    del os.environ[key]

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLE = REPO / "examples" / "gaza-ceasefire"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs ../shared beside the project (CI has it)")
    return path


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(autouse=True)
def _no_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    # pydantic-settings reads .env from the working directory; run each test where there is none.
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One ephemeral Prefect server for the whole session (~10 s once, then ~0.3 s per flow)."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.daily import flow_run_heartbeats

    with prefect_test_harness(server_startup_timeout=90), flow_run_heartbeats(False):
        yield


@pytest.fixture
def prefect_api(prefect_harness: None) -> str:
    """The session's Prefect test server's API, for runs in subprocesses (``PREFECT_API_URL``): each then
    costs its imports (~3 s), not the start of a local server of its own (~10 s)."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url, "the Prefect test harness gave no API URL"
    return str(url)


@pytest.fixture
def session_processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts in their own session (``start_new_session=True``): whatever is left of
    each (its workers, its fork server) is killed by its process group id."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def fresh_interpreter(code: str) -> str:
    """What ``code`` prints in a new Python process started in the repository (what a module loads or
    builds on import, free of what earlier tests in this session did)."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    ).stdout.strip()
