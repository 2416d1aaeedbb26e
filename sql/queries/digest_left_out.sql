-- Claims reported on $day that make no position: below $min_confidence, or without a topic.
SELECT
    count(DISTINCT c.claim_id) FILTER (WHERE c.confidence < $min_confidence) AS below_confidence,
    count(DISTINCT c.claim_id) FILTER (WHERE c.topic IS NULL AND c.confidence >= $min_confidence) AS no_topic,
    count(DISTINCT c.claim_id) AS claims
FROM claim_occurrences AS o
JOIN claims AS c ON c.claim_id = o.claim_id
WHERE o.published = $day::DATE;
