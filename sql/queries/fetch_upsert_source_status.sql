-- Per-source outcome of a run (Arrow table batch_source_status); keeps the last success and counts failures in a row.
INSERT INTO source_status (
    name, kind, url, last_run, last_status, new, unchanged, failed, error, last_success,
    consecutive_failures, updated_at
)
SELECT
    name, kind, url, last_run, last_status, new, unchanged, failed, error,
    CASE WHEN last_status <> 'failed' THEN updated_at END,
    CASE WHEN last_status = 'failed' THEN 1 ELSE 0 END,
    updated_at
FROM batch_source_status
ON CONFLICT (name) DO UPDATE SET
    kind = excluded.kind,
    url = excluded.url,
    last_run = excluded.last_run,
    last_status = excluded.last_status,
    new = excluded.new,
    unchanged = excluded.unchanged,
    failed = excluded.failed,
    error = excluded.error,
    last_success = COALESCE(excluded.last_success, source_status.last_success),
    consecutive_failures = CASE WHEN excluded.last_status = 'failed'
                                THEN source_status.consecutive_failures + 1 ELSE 0 END,
    updated_at = excluded.updated_at;
