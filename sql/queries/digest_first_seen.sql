-- Of the actors ($actors) and topics ($topics) with a position on $day, those with none stated before it
-- (a position as the digest counts one: a stance in $stances, at or above $min_confidence or confirmed by a
-- user, and not rejected by one).
WITH earlier AS (
    SELECT o.actor, o.topic
    FROM claim_occurrences AS o
    LEFT JOIN claim_reviews AS r ON r.claim_id = o.claim_id
    WHERE o.stated_on < $day::DATE
      AND o.topic IS NOT NULL
      AND o.stance = ANY($stances::VARCHAR[])
      AND (o.confidence >= $min_confidence OR r.verdict = 'confirmed')
      AND r.verdict IS DISTINCT FROM 'rejected'
      AND (o.actor = ANY($actors::VARCHAR[]) OR o.topic = ANY($topics::VARCHAR[]))
)
SELECT 'actor' AS kind, a.name
FROM (SELECT unnest($actors::VARCHAR[]) AS name) AS a
WHERE NOT EXISTS (SELECT 1 FROM earlier AS e WHERE e.actor = a.name)
UNION ALL
SELECT 'topic' AS kind, t.name
FROM (SELECT unnest($topics::VARCHAR[]) AS name) AS t
WHERE NOT EXISTS (SELECT 1 FROM earlier AS e WHERE e.topic = t.name)
ORDER BY kind, name;
