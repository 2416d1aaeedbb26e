-- Claims reported on $day that make no position: below $min_confidence, or without a topic.
SELECT
    count(DISTINCT claim_id) FILTER (WHERE confidence < $min_confidence) AS below_confidence,
    count(DISTINCT claim_id) FILTER (WHERE topic IS NULL AND confidence >= $min_confidence) AS no_topic,
    count(DISTINCT claim_id) AS claims
FROM claim_occurrences
WHERE published = $day::DATE;
