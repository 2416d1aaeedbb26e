-- Watchlist actors (Arrow table batch_actors): the watchlist is the authority, so it overwrites.
INSERT INTO actors (name, kind, party, status)
SELECT name, kind, party, status FROM batch_actors
ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, party = excluded.party, status = excluded.status;
