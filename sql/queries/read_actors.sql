-- Every actor: the watchlist's (canonical) first, then speakers discovered in the text.
SELECT name, kind, party, status FROM actors ORDER BY status, name;
