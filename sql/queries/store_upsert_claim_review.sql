-- A user's verdict on a stored claim ($verdict: confirmed or rejected); a later verdict replaces it. Nothing is
-- written for an id no claim has: RETURNING gives no row then, and the caller says the id is unknown.
INSERT INTO claim_reviews (claim_id, verdict, reviewed_at)
SELECT claim_id, $verdict, now() FROM claims WHERE claim_id = $claim_id
ON CONFLICT (claim_id) DO UPDATE SET verdict = excluded.verdict, reviewed_at = excluded.reviewed_at
RETURNING claim_id;
