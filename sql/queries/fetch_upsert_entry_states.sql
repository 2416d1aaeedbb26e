-- Entry states of a run (Arrow table batch_feed_entries, one row per doc); the newest replaces the old.
INSERT INTO feed_entries (doc, source, status, attempts, next_attempt, error, updated_at)
SELECT doc, source, status, attempts, next_attempt, error, updated_at FROM batch_feed_entries
ON CONFLICT (doc) DO UPDATE SET
    source = excluded.source,
    status = excluded.status,
    attempts = excluded.attempts,
    next_attempt = excluded.next_attempt,
    error = excluded.error,
    updated_at = excluded.updated_at;
