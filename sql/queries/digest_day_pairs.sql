-- The (actor, topic) pairs with a position on $day.
SELECT DISTINCT actor, topic
FROM claim_occurrences
WHERE published = $day::DATE
  AND topic IS NOT NULL
  AND confidence >= $min_confidence
ORDER BY actor, topic;
