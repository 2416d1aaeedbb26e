-- Runs still marked running: each is live, or its process died before it could close it.
SELECT run_id, pid, host FROM runs WHERE status = 'running';
