-- The columns of the claims $ids (found by digest_claims) the digest reads: stance, text, speaker as
-- resolved and as written, the day the text dates it, the extraction rules that fired, kind, the condition a
-- stance is held on.
SELECT claim_id, stance, confidence, evidence, quote, speaker, speaker_text, said_on, rules::VARCHAR[] AS rules,
       kind, from_stance, condition
FROM claims
WHERE claim_id IN (SELECT unnest($ids::VARCHAR[]));
