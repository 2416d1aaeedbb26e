-- Fuzzy alias matches kept for review (Arrow table batch_aliases); a confirmed alias is never downgraded.
INSERT INTO aliases (alias, actor, status, score, evidence)
SELECT alias, actor, status, score, evidence FROM batch_aliases
ON CONFLICT DO NOTHING;
