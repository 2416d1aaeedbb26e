"""Serve the daily flow on its cron schedule (`stancewatch serve`, or `python -m flows.serve`).

One run at a time (`global_limit=1`): DuckDB allows a single writing process, and serve starts each
flow run in its own subprocess.
"""

from __future__ import annotations

from prefect.schedules import Cron

from flows.daily import daily_flow, with_runner
from pipeline.settings import Settings, get_settings

DEPLOYMENT = "daily"


def serve(settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    with_runner(daily_flow, settings).serve(
        name=DEPLOYMENT,
        schedule=Cron(settings.schedule_cron, timezone=settings.timezone),
        global_limit=1,
        description="Fetch every enabled source, ingest the inbox, write the daily digest.",
        tags=["stancewatch"],
    )


if __name__ == "__main__":
    serve()
