-- The phrases of each watchlist topic: a deny naming a topic's phrase is about that topic.
SELECT key, phrases FROM topics ORDER BY key;
