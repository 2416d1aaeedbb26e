-- Each source's last run, failing sources first.
SELECT name, kind, url, last_run, last_status, new, unchanged, failed, error, last_success,
       consecutive_failures, updated_at
FROM source_status
ORDER BY last_status = 'failed' DESC, consecutive_failures DESC, name;
