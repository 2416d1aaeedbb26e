-- What the claims published on $day did not give the day's positions: claims below $min_confidence, claims
-- without a topic, statements of fact and charges (stances outside $stances), claims dated to an earlier
-- day by their text, and claims a user rejected.
SELECT
    count(DISTINCT o.claim_id) FILTER (WHERE o.confidence < $min_confidence AND r.verdict IS NULL)
        AS below_confidence,
    count(DISTINCT o.claim_id) FILTER (WHERE o.topic IS NULL AND o.confidence >= $min_confidence)
        AS no_topic,
    count(DISTINCT o.claim_id) FILTER (
        WHERE o.topic IS NOT NULL AND o.confidence >= $min_confidence AND NOT o.stance = ANY($stances::VARCHAR[])
    ) AS not_positions,
    count(DISTINCT o.claim_id) FILTER (WHERE o.stated_on < o.published) AS said_earlier,
    count(DISTINCT o.claim_id) FILTER (WHERE r.verdict = 'rejected') AS rejected,
    count(DISTINCT o.claim_id) AS claims
FROM claim_occurrences AS o
LEFT JOIN claim_reviews AS r ON r.claim_id = o.claim_id
WHERE o.published = $day::DATE;
