-- Where the batch's claims were reported (Arrow table batch_occurrences): one row per (claim, article).
INSERT INTO claim_occurrences (claim_id, article_id, doc, start_char, end_char, source, published, duplicate_of)
SELECT claim_id, article_id, doc, start_char, end_char, source, published, duplicate_of
FROM batch_occurrences
ON CONFLICT DO NOTHING;
