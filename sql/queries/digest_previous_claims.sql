-- For every (actor, topic) with a position on $day: the claims of its last day with a position before $day
-- (same row shape as digest_window_claims). Only those pairs' claims are joined to their occurrences.
WITH day_pairs AS (
    SELECT DISTINCT c.actor, c.topic
    FROM claim_occurrences AS o
    JOIN claims AS c ON c.claim_id = o.claim_id
    WHERE o.published = $day::DATE
      AND c.topic IS NOT NULL
      AND c.confidence >= $min_confidence
),
pair_claims AS (
    SELECT c.*
    FROM claims AS c
    SEMI JOIN day_pairs AS p ON p.actor = c.actor AND p.topic = c.topic
    WHERE c.confidence >= $min_confidence
),
earlier AS (
    SELECT c.actor, c.topic, o.published AS day, c.claim_id, c.stance, c.confidence, c.evidence, c.quote,
           c.speaker, c.speaker_text, o.source, o.duplicate_of, o.article_id, o.doc
    FROM claim_occurrences AS o
    JOIN pair_claims AS c ON c.claim_id = o.claim_id
    WHERE o.published < $day::DATE
    QUALIFY o.published = max(o.published) OVER (PARTITION BY c.actor, c.topic)
)
SELECT
    actor,
    topic,
    day,
    claim_id,
    stance,
    confidence,
    evidence,
    quote,
    speaker,
    speaker_text,
    count(DISTINCT coalesce(source, duplicate_of, article_id)) AS n_sources,
    list(DISTINCT source ORDER BY source) FILTER (WHERE source IS NOT NULL) AS sources,
    list(DISTINCT doc ORDER BY doc) AS docs
FROM earlier
GROUP BY ALL
ORDER BY actor, topic, day, claim_id;
