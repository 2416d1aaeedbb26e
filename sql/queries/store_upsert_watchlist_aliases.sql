-- Watchlist aliases (Arrow table batch_aliases): confirmed, also when a fuzzy match had proposed them.
INSERT INTO aliases (alias, actor, status, score, evidence)
SELECT alias, actor, status, score, evidence FROM batch_aliases
ON CONFLICT (alias, actor) DO UPDATE SET status = excluded.status;
