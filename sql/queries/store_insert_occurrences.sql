-- Where the batch's claims were reported (Arrow table batch_occurrences): one row per (claim, article),
-- carrying the claim's actor, topic, stance, confidence and the day it was said for the digest (claims are inserted first).
INSERT INTO claim_occurrences (
    claim_id, article_id, doc, start_char, end_char, source, published, duplicate_of, actor, topic, stance,
    confidence, stated_on
)
SELECT
    o.claim_id, o.article_id, o.doc, o.start_char, o.end_char, o.source, o.published, o.duplicate_of,
    c.actor, c.topic, c.stance, c.confidence, coalesce(c.said_on, o.published)
FROM batch_occurrences AS o
LEFT JOIN claims AS c ON c.claim_id = o.claim_id
ON CONFLICT DO NOTHING;
