-- Watchlist topics (Arrow table batch_topics); phrases is a JSON list.
INSERT INTO topics (key, label, phrases)
SELECT key, label, phrases::JSON FROM batch_topics
ON CONFLICT (key) DO UPDATE SET label = excluded.label, phrases = excluded.phrases;
