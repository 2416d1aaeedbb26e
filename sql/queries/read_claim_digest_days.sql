-- The days whose digest a verdict on claim $claim_id can change: the days its occurrences were published
-- (their left-out counts), and every stored digest from its first day to $window_days after the last day it
-- was stated (its own positions and contradictions, and the standing positions read through the window).
WITH occurrences AS (
    SELECT stated_on, published FROM claim_occurrences WHERE claim_id = $claim_id
),
span AS (
    SELECT min(least(stated_on, published)) AS first_day, max(stated_on) AS last_day FROM occurrences
)
SELECT published AS day FROM occurrences WHERE published IS NOT NULL
UNION
SELECT d.day
FROM digests AS d, span AS s
WHERE d.day BETWEEN s.first_day AND s.last_day + $window_days::INTEGER
ORDER BY day;
