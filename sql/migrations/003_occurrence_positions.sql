-- The digest reads positions by (actor, topic, day) over millions of occurrences: each occurrence carries
-- its claim's actor, topic, stance and confidence (a claim never changes: its id is a hash of its
-- content), so the digest narrows to the rows it needs before joining claims for their text.
ALTER TABLE claim_occurrences ADD COLUMN IF NOT EXISTS actor VARCHAR;
ALTER TABLE claim_occurrences ADD COLUMN IF NOT EXISTS topic VARCHAR;
ALTER TABLE claim_occurrences ADD COLUMN IF NOT EXISTS stance VARCHAR;
ALTER TABLE claim_occurrences ADD COLUMN IF NOT EXISTS confidence DOUBLE;

UPDATE claim_occurrences AS o
SET actor = c.actor, topic = c.topic, stance = c.stance, confidence = c.confidence
FROM claims AS c
WHERE c.claim_id = o.claim_id AND o.actor IS NULL;
