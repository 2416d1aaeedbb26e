-- Copies of canonical articles (Arrow table batch_duplicates): they add sources, not claims.
INSERT INTO duplicates (
    article_id, canonical_id, content_hash, raw_hash, kind, similarity, doc, url, source, published, run_id
)
SELECT article_id, canonical_id, content_hash, raw_hash, kind, similarity, doc, url, source, published, run_id
FROM batch_duplicates
ON CONFLICT DO NOTHING;
