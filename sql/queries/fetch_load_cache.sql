-- The http cache: validators and body hash per URL, for conditional GETs.
SELECT url, etag, last_modified, body_hash, fetched_at FROM http_cache;
