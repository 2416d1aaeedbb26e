-- For each (actor, topic) given as parallel lists $actors, $topics: its last day with a position in
-- [$since, $day). Narrow columns only: this may scan all history.
SELECT o.actor, o.topic, max(o.published) AS day
FROM claim_occurrences AS o
SEMI JOIN (SELECT unnest($actors) AS actor, unnest($topics) AS topic) AS p
    ON p.actor = o.actor AND p.topic = o.topic
WHERE o.published >= $since::DATE
  AND o.published < $day::DATE
  AND o.confidence >= $min_confidence
GROUP BY o.actor, o.topic;
