UPDATE runs SET finished_at = $finished_at, status = $status, stats = $stats::JSON WHERE run_id = $run_id;
