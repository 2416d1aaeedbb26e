-- Fetching: the http cache (conditional GET, body hashes), every HTTP attempt, and each source's last state.

CREATE TABLE IF NOT EXISTS http_cache (
    url           VARCHAR PRIMARY KEY,     -- the URL as requested (a feed, a page, an entry link)
    etag          VARCHAR,                 -- sent back as If-None-Match
    last_modified VARCHAR,                 -- sent back as If-Modified-Since
    body_hash     VARCHAR,                 -- xxh3-128 of the last body: an equal body is "unchanged"
    fetched_at    TIMESTAMP                -- UTC
);

-- One row per HTTP attempt, redirect hop, or refusal before any traffic.
CREATE TABLE IF NOT EXISTS fetch_log (
    run_id      VARCHAR NOT NULL,
    url         VARCHAR NOT NULL,
    source      VARCHAR,
    kind        VARCHAR NOT NULL,          -- feed, page, robots
    outcome     VARCHAR NOT NULL,          -- ok, not-modified, unchanged, redirect, retry, failed, refused, disallowed, unusable
    status      INTEGER,                   -- HTTP status; null when no response came
    bytes       BIGINT NOT NULL DEFAULT 0,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    error       VARCHAR,
    attempt     INTEGER NOT NULL,
    fetched_at  TIMESTAMP NOT NULL         -- UTC
);

-- Each source's last run: what came of it, and how long it has been failing.
CREATE TABLE IF NOT EXISTS source_status (
    name                 VARCHAR PRIMARY KEY,
    kind                 VARCHAR NOT NULL,  -- feed, page
    url                  VARCHAR NOT NULL,
    last_run             VARCHAR NOT NULL,
    last_status          VARCHAR NOT NULL,  -- ok, unchanged, partial, failed
    new                  INTEGER NOT NULL,
    unchanged            INTEGER NOT NULL,
    failed               INTEGER NOT NULL,
    error                VARCHAR,
    last_success         TIMESTAMP,         -- last run that was not "failed" (UTC)
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    updated_at           TIMESTAMP NOT NULL
);

CREATE INDEX IF NOT EXISTS fetch_log_run ON fetch_log (run_id);
