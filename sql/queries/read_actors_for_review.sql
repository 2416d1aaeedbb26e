-- Fuzzy alias matches awaiting review (not yet confirmed by the watchlist), with the sentence they came from
-- and how many claims name the actor through that spelling.
SELECT
    a.alias,
    a.actor,
    a.score,
    a.evidence,
    a.first_seen,
    (SELECT count(*) FROM claims AS c WHERE c.speaker_text = a.alias) AS claims
FROM aliases AS a
WHERE a.status = 'unconfirmed'
  AND NOT EXISTS (
      SELECT 1 FROM aliases AS confirmed
      WHERE confirmed.alias = a.alias AND confirmed.actor = a.actor AND confirmed.status = 'confirmed'
  )
ORDER BY a.actor, a.score DESC NULLS LAST, a.alias;
