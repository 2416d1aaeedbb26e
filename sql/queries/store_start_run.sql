INSERT INTO runs (run_id, kind, started_at, status, pid, host)
VALUES ($run_id, $kind, $started_at, 'running', $pid, $host);
