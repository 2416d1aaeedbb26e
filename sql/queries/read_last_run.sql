-- The latest run, for `stancewatch status`.
SELECT run_id, kind, started_at, finished_at, status, stats FROM runs ORDER BY started_at DESC LIMIT 1;
