-- Claims reported in the window [$day - $window_days, $day] that can make positions (a topic, confidence at
-- or above $min_confidence): one row per (claim, day reported), with its outlets: an occurrence's outlet is
-- its source, else its article; a copy without a source has none, so a copy adds an independent source
-- only when it names another outlet.
-- Plain list() aggregates: DISTINCT aggregates would split the plan; Python de-duplicates the lists.
WITH hits AS (
    SELECT claim_id, published, source, duplicate_of, article_id, doc
    FROM claim_occurrences
    WHERE published BETWEEN $day::DATE - $window_days::INTEGER AND $day::DATE
      AND topic IS NOT NULL
      AND confidence >= $min_confidence
)
SELECT
    c.actor,
    c.topic,
    h.published AS day,
    c.claim_id,
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
ORDER BY c.actor, c.topic, day, c.claim_id;
