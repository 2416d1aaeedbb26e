-- A run whose process is gone: it can no longer close itself.
UPDATE runs SET status = 'crashed', finished_at = $finished_at WHERE run_id = $run_id AND status = 'running';
