-- One claim occurrence per row, in reading order: what `stancewatch claims export` writes as JSON lines.
SELECT
    o.doc,
    c.evidence,
    c.actor,
    c.speaker,
    c.stance,
    c.topic,
    o.published,
    o.source,
    c.confidence,
    c.claim_id,
    c.quote,
    c.via
FROM claim_occurrences AS o
JOIN claims AS c ON c.claim_id = o.claim_id
ORDER BY o.published NULLS LAST, o.doc, o.start_char, c.claim_id;
