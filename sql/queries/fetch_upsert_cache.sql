-- Cache entries of a batch (Arrow table batch_http_cache, one row per URL); the newest replaces the old.
INSERT INTO http_cache (url, etag, last_modified, body_hash, fetched_at)
SELECT url, etag, last_modified, body_hash, fetched_at FROM batch_http_cache
ON CONFLICT (url) DO UPDATE SET
    etag = excluded.etag,
    last_modified = excluded.last_modified,
    body_hash = excluded.body_hash,
    fetched_at = excluded.fetched_at;
