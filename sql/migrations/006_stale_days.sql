-- Days whose digest must be (re)written. A batch marks its days in the transaction that stores it, and a
-- day is cleared only once its digest files and row are written, so a run that dies in between (kill -9,
-- a killed worker, a locked store, an unwritable digest folder) leaves them for the next run to write.
CREATE TABLE IF NOT EXISTS stale_days (
    day       DATE PRIMARY KEY,
    run_id    VARCHAR,                    -- the run that last marked it
    marked_at TIMESTAMP DEFAULT current_timestamp
);

-- Stores from before this table: a day with articles and no digest lost it to an interrupted run.
INSERT INTO stale_days (day)
SELECT published FROM articles WHERE published IS NOT NULL
UNION
SELECT published FROM duplicates WHERE published IS NOT NULL
EXCEPT
SELECT day FROM digests
ON CONFLICT DO NOTHING;

-- The process that runs a run: a later run closes a `running` row whose process is gone as `crashed`.
ALTER TABLE runs ADD COLUMN IF NOT EXISTS pid INTEGER;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS host VARCHAR;
