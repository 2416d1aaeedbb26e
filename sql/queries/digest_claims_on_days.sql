-- The claims of each (actor, topic, day) given as parallel lists $actors, $topics, $days (same row shape as
-- digest_window_claims). $day_set holds the distinct days, so the scan reads only their row groups.
WITH wanted AS (
    SELECT unnest($actors) AS actor, unnest($topics) AS topic, unnest($days)::DATE AS day
),
hits AS (
    SELECT o.actor, o.topic, o.claim_id, o.published, o.source, o.duplicate_of, o.article_id, o.doc
    FROM claim_occurrences AS o
    JOIN wanted AS w ON w.actor = o.actor AND w.topic = o.topic AND w.day = o.published
    WHERE o.published = ANY($day_set::DATE[])
      AND o.confidence >= $min_confidence
)
SELECT
    h.actor,
    h.topic,
    h.published AS day,
    h.claim_id,
    c.stance,
    c.confidence,
    c.evidence,
    c.quote,
    c.speaker,
    c.speaker_text,
    list(
        CASE WHEN h.source IS NOT NULL THEN h.source WHEN h.duplicate_of IS NULL THEN h.article_id END
    ) AS outlets,
    list(h.source) FILTER (WHERE h.source IS NOT NULL) AS sources,
    list(h.doc) AS docs
FROM hits AS h
JOIN claims AS c ON c.claim_id = h.claim_id
GROUP BY ALL
ORDER BY h.actor, h.topic, day, h.claim_id;
