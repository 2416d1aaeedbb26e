-- The history of the (actor, topic) pairs given as parallel lists $actors, $topics: their claims on their last
-- $points days with a position within [$day - $history_days, $day], for the stance timeline chart. Only
-- stances and weights are needed: this reads occurrences alone; evidence, speakers, sources come back empty.
SELECT
    actor,
    topic,
    published AS day,
    claim_id,
    stance,
    confidence,
    '' AS evidence,
    NULL AS quote,
    NULL AS speaker,
    NULL AS speaker_text,
    list(
        CASE WHEN source IS NOT NULL THEN source WHEN duplicate_of IS NULL THEN article_id END
    ) AS outlets,
    []::VARCHAR[] AS sources,
    []::VARCHAR[] AS docs
FROM claim_occurrences AS o
SEMI JOIN (SELECT unnest($actors) AS actor, unnest($topics) AS topic) AS p
    ON p.actor = o.actor AND p.topic = o.topic
WHERE published BETWEEN $day::DATE - $history_days::INTEGER AND $day::DATE
  AND confidence >= $min_confidence
GROUP BY actor, topic, published, claim_id, stance, confidence
QUALIFY dense_rank() OVER (PARTITION BY actor, topic ORDER BY day DESC) <= $points
ORDER BY actor, topic, day, claim_id;
