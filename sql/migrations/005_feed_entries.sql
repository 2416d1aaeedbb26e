-- Each feed entry's state across runs, so an entry that failed is tried again on a later run even when
-- its feed has not changed (a 304 on the feed used to mean its failed entries were never fetched again),
-- and entries past the per-run cap or the source's time budget wait for a later run instead of being lost.
CREATE TABLE IF NOT EXISTS feed_entries (
    doc          VARCHAR PRIMARY KEY,     -- the entry's document id (redacted URL), as articles.doc
    source       VARCHAR NOT NULL,        -- the feed that listed it (source_status.name)
    status       VARCHAR NOT NULL,        -- done, pending (to try again from next_attempt), failed (given up)
    attempts     INTEGER NOT NULL DEFAULT 0,  -- failed tries since the last success
    next_attempt TIMESTAMP,               -- UTC; pending entries only
    error        VARCHAR,                 -- why the last try failed (redacted)
    updated_at   TIMESTAMP NOT NULL       -- UTC
);

CREATE INDEX IF NOT EXISTS feed_entries_source ON feed_entries (source);
