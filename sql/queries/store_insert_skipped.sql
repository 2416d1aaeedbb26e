-- Inputs of a batch that gave no new article: none at all, or the stored one again (Arrow table
-- batch_skipped: raw_hash, doc, reason, run_id).
INSERT INTO skipped_inputs (raw_hash, doc, reason, run_id)
SELECT raw_hash, doc, reason, run_id FROM batch_skipped
ON CONFLICT DO NOTHING;
