-- Positions are dated by when a statement was made, not when it was reported; reported changes of
-- position are a claim kind of their own; a user's verdict on a claim outlives re-ingesting.
--   claims.kind         'statement' (a stance read from a sentence) or 'reported-change' (the text says the
--                       actor moved: "reversed its position", "backed down", "no longer insists")
--   claims.from_stance  for a reported change, the stance the text says the actor left, when it says one
--   claim_occurrences.stated_on  the day the statement is dated to: the claim's said_on, else the day the
--                       occurrence's article was published (the digest groups positions by it)
ALTER TABLE claims ADD COLUMN IF NOT EXISTS kind VARCHAR DEFAULT 'statement';
ALTER TABLE claims ADD COLUMN IF NOT EXISTS from_stance VARCHAR;
ALTER TABLE claim_occurrences ADD COLUMN IF NOT EXISTS stated_on DATE;
-- Before the UPDATE: DuckDB refuses to create an index on a table the same transaction has updated
-- ("Cannot create index with outstanding updates"), which failed this migration on every non-empty store.
CREATE INDEX IF NOT EXISTS occurrences_stated_on ON claim_occurrences (stated_on);

UPDATE claim_occurrences AS o
SET stated_on = coalesce(c.said_on, o.published)
FROM claims AS c
WHERE c.claim_id = o.claim_id AND o.stated_on IS NULL;

-- One verdict per claim from `stancewatch claims review --confirm/--reject ID`. Kept apart from claims so
-- re-ingesting (which never rewrites a claim) cannot lose it.
CREATE TABLE IF NOT EXISTS claim_reviews (
    claim_id    VARCHAR PRIMARY KEY,
    verdict     VARCHAR NOT NULL,          -- confirmed or rejected
    reviewed_at TIMESTAMP DEFAULT current_timestamp
);
