-- The history of the (actor, topic) pairs in the Arrow table digest_pairs up to $day: claims of their last
-- $points days with a position (same row shape as digest_window_claims), for the stance timeline chart.
WITH pair_claims AS (
    SELECT c.*
    FROM claims AS c
    SEMI JOIN digest_pairs AS p ON p.actor = c.actor AND p.topic = c.topic
    WHERE c.confidence >= $min_confidence
),
claim_days AS (
    SELECT
        c.actor,
        c.topic,
        o.published AS day,
        c.claim_id,
        c.stance,
        c.confidence,
        c.evidence,
        c.quote,
        c.speaker,
        c.speaker_text,
        count(DISTINCT coalesce(o.source, o.duplicate_of, o.article_id)) AS n_sources,
        list(DISTINCT o.source ORDER BY o.source) FILTER (WHERE o.source IS NOT NULL) AS sources,
        list(DISTINCT o.doc ORDER BY o.doc) AS docs
    FROM claim_occurrences AS o
    JOIN pair_claims AS c ON c.claim_id = o.claim_id
    WHERE o.published <= $day::DATE
    GROUP BY ALL
)
SELECT *
FROM claim_days
QUALIFY dense_rank() OVER (PARTITION BY actor, topic ORDER BY day DESC) <= $points
ORDER BY actor, topic, day, claim_id;
