-- Fingerprints of every input already handled, canonical, copy, or read but giving no article:
-- a re-run skips them before cleaning.
SELECT raw_hash FROM articles WHERE raw_hash IS NOT NULL
UNION
SELECT raw_hash FROM duplicates WHERE raw_hash IS NOT NULL
UNION
SELECT raw_hash FROM skipped_inputs;
