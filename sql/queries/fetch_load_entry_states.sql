-- Feed entries that still decide something: done ones (re-checked only when their feed changes) and
-- pending or failed ones (retried, or left alone).
SELECT doc, source, status, attempts, next_attempt, error, updated_at FROM feed_entries;
