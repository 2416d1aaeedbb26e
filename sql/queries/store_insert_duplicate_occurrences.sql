-- A duplicate article reports its canonical article's claims again, from its own outlet and date:
-- copy the canonical's occurrences (stored in this batch or an earlier run) under the duplicate's id.
-- A canonical id that is itself a stored duplicate is followed one step to its own canonical.
INSERT INTO claim_occurrences (
    claim_id, article_id, doc, start_char, end_char, source, published, duplicate_of, actor, topic, stance,
    confidence, stated_on
)
WITH copies AS (
    SELECT
        d.article_id,
        d.doc,
        d.source,
        d.published,
        coalesce(chain.canonical_id, d.canonical_id) AS canonical_id
    FROM batch_duplicates AS d
    LEFT JOIN duplicates AS chain ON chain.article_id = d.canonical_id
)
SELECT
    o.claim_id,
    c.article_id,
    c.doc,
    o.start_char,
    o.end_char,
    c.source,
    coalesce(c.published, o.published),
    c.canonical_id,
    o.actor,
    o.topic,
    o.stance,
    o.confidence,
    coalesce(k.said_on, c.published, o.published)
FROM copies AS c
JOIN claim_occurrences AS o ON o.article_id = c.canonical_id AND o.duplicate_of IS NULL
JOIN claims AS k ON k.claim_id = o.claim_id
ON CONFLICT DO NOTHING;
