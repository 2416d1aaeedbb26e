-- What a Deduplicator needs to recognise copies of articles stored by earlier runs
-- (published: near copies are only looked for among articles a few days apart).
SELECT article_id, content_hash, canonical_url, minhash, published FROM articles ORDER BY ingested_at, article_id;
