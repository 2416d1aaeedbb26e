INSERT INTO runs (run_id, kind, started_at, status) VALUES ($run_id, $kind, $started_at, 'running');
