-- Speakers found in text but not on the watchlist (Arrow table batch_actors); a known actor keeps its row.
INSERT INTO actors (name, kind, party, status)
SELECT name, kind, party, status FROM batch_actors
ON CONFLICT DO NOTHING;
