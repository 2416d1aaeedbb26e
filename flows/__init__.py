"""Prefect flows: thin wiring of pipeline stages over batches."""

import os

# ``PREFECT_API_URL=`` (empty, as the Makefile sets it) must mean "no server: local mode". Prefect reads it
# as the string "": its API client takes "" for unset and starts a local server, but its events worker
# (``should_emit_events_to_running_server``: ``isinstance(url, str)``) takes it for a server's address,
# fails to start its client ("api_url must be provided"), and every event after that logs an
# ``EventsWorker failed`` traceback. Prefect reads the variable when it is first imported: drop it before.
if os.environ.get("PREFECT_API_URL") == "":
    del os.environ["PREFECT_API_URL"]
