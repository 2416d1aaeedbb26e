-- Claims reported in the window [$day - $window_days, $day] that can make positions (a topic, confidence at
-- or above $min_confidence): one row per (claim, day reported), with its independent outlets. A copy with
-- no outlet of its own, or the same outlet as its canonical article, adds no independent source.
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
JOIN claims AS c ON c.claim_id = o.claim_id
WHERE o.published BETWEEN $day::DATE - $window_days::INTEGER AND $day::DATE
  AND c.topic IS NOT NULL
  AND c.confidence >= $min_confidence
GROUP BY ALL
ORDER BY c.actor, c.topic, day, c.claim_id;
