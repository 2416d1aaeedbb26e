-- Canonical articles of a batch (Arrow table batch_articles); a re-run of the same batch inserts nothing.
INSERT INTO articles (
    article_id, content_hash, raw_hash, doc, origin, url, canonical_url, source, title, author,
    published, published_basis, content_kind, text, n_sentences, removed_lines, minhash, run_id
)
SELECT
    article_id, content_hash, raw_hash, doc, origin, url, canonical_url, source, title, author,
    published, published_basis, content_kind, text, n_sentences, removed_lines, minhash, run_id
FROM batch_articles
ON CONFLICT DO NOTHING;
