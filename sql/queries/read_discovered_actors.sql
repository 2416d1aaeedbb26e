-- Speakers found in text and not on the watchlist, with how many claims they hold.
SELECT a.name, a.kind, a.party, a.first_seen, count(c.claim_id) AS claims
FROM actors AS a
LEFT JOIN claims AS c ON c.actor = a.name
WHERE a.status = 'discovered'
GROUP BY ALL
ORDER BY claims DESC, a.name;
