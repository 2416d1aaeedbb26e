-- The (actor, topic) pairs with a position stated on $day: a stance in $stances, at or above
-- $min_confidence or confirmed, not rejected by a user.
SELECT DISTINCT o.actor, o.topic
FROM claim_occurrences AS o
LEFT JOIN claim_reviews AS r ON r.claim_id = o.claim_id
WHERE o.stated_on = $day::DATE
  AND o.topic IS NOT NULL
  AND o.stance = ANY($stances::VARCHAR[])
  AND (o.confidence >= $min_confidence OR r.verdict = 'confirmed')
  AND r.verdict IS DISTINCT FROM 'rejected'
ORDER BY o.actor, o.topic;
