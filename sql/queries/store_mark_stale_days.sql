-- The days whose digest a batch changes: its own days and every later day with articles (a position is
-- compared with the pair's previous one, so an earlier claim can change the digest of any later day).
INSERT INTO stale_days (day, run_id)
SELECT day, (SELECT any_value(run_id) FROM batch_days) FROM (
    SELECT day FROM batch_days
    UNION
    SELECT published FROM articles WHERE published >= (SELECT min(day) FROM batch_days)
    UNION
    SELECT published FROM duplicates WHERE published >= (SELECT min(day) FROM batch_days)
) AS changed
ON CONFLICT (day) DO UPDATE SET run_id = excluded.run_id, marked_at = now();
