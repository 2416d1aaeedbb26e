-- What a Deduplicator needs to recognise copies of articles stored by earlier runs.
SELECT article_id, content_hash, canonical_url, minhash FROM articles ORDER BY ingested_at, article_id;
