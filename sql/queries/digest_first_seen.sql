-- Of the actors ($actors) and topics ($topics) with a position on $day, those with none stated before it.
SELECT 'actor' AS kind, a.name
FROM (SELECT unnest($actors::VARCHAR[]) AS name) AS a
WHERE NOT EXISTS (
    SELECT 1 FROM claim_occurrences AS o
    WHERE o.actor = a.name AND o.stated_on < $day::DATE AND o.topic IS NOT NULL
      AND o.stance = ANY($stances::VARCHAR[]) AND o.confidence >= $min_confidence
)
UNION ALL
SELECT 'topic' AS kind, t.name
FROM (SELECT unnest($topics::VARCHAR[]) AS name) AS t
WHERE NOT EXISTS (
    SELECT 1 FROM claim_occurrences AS o
    WHERE o.topic = t.name AND o.stated_on < $day::DATE
      AND o.stance = ANY($stances::VARCHAR[]) AND o.confidence >= $min_confidence
)
ORDER BY kind, name;
