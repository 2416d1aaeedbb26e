-- Every attempt of a batch (Arrow table batch_fetch_log).
INSERT INTO fetch_log (run_id, url, source, kind, outcome, status, bytes, duration_ms, error, attempt, fetched_at)
SELECT run_id, url, source, kind, outcome, status, bytes, duration_ms, error, attempt, fetched_at
FROM batch_fetch_log;
