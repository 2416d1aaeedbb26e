-- Row counts of the store, for `stancewatch status`.
SELECT 'articles' AS item, count(*) AS n FROM articles
UNION ALL SELECT 'duplicates', count(*) FROM duplicates
UNION ALL SELECT 'sources', count(*) FROM sources
UNION ALL SELECT 'claims', count(*) FROM claims
UNION ALL SELECT 'claim_occurrences', count(*) FROM claim_occurrences
UNION ALL SELECT 'actors', count(*) FROM actors
UNION ALL SELECT 'aliases_unconfirmed', count(*) FROM aliases WHERE status = 'unconfirmed'
UNION ALL SELECT 'topics', count(*) FROM topics
UNION ALL SELECT 'digests', count(*) FROM digests
UNION ALL SELECT 'runs', count(*) FROM runs;
