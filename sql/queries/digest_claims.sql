-- Claims stated in [$since, $day] (stated_on: when said, else when published) with a topic, at or above
-- $min_confidence or confirmed by a user, and not rejected by one: one row per (claim, day stated), with its
-- outlets (an occurrence's outlet is its source, else its article; a copy adds an independent outlet only
-- when it names another one), articles, links and publication days. The claims' own columns (text, speaker,
-- rules) come from digest_claim_details for the ids found here: joining claims in this query read the text of
-- every claim in the scanned row groups and took twice as long over 1M claims.
-- $stances: only these stances (empty: all). $all_pairs false: only the (actor, topic) pairs given as the
-- parallel lists $actors, $topics.
-- Plain list() aggregates (DISTINCT aggregates would split the plan), de-duplicated and sorted by the list
-- functions on each group's result: n_sources counts the distinct outlets (list_distinct drops NULLs), and
-- Python only wraps the lists.
WITH wanted AS (
    SELECT unnest($actors::VARCHAR[]) AS actor, unnest($topics::VARCHAR[]) AS topic
),
hits AS (
    SELECT o.claim_id, o.actor, o.topic, o.stated_on, o.published, o.source, o.duplicate_of, o.article_id,
           o.doc, r.verdict
    FROM claim_occurrences AS o
    LEFT JOIN claim_reviews AS r ON r.claim_id = o.claim_id
    WHERE o.stated_on BETWEEN $since::DATE AND $day::DATE
      AND o.topic IS NOT NULL
      AND (o.confidence >= $min_confidence OR r.verdict = 'confirmed')
      AND r.verdict IS DISTINCT FROM 'rejected'
      AND (len($stances::VARCHAR[]) = 0 OR o.stance = ANY($stances::VARCHAR[]))
      AND ($all_pairs OR (o.actor, o.topic) IN (SELECT (actor, topic) FROM wanted))
)
SELECT
    h.actor,
    h.topic,
    h.stated_on AS day,
    h.claim_id,
    len(list_distinct(list(
        CASE WHEN h.source IS NOT NULL THEN h.source WHEN h.duplicate_of IS NULL THEN h.article_id END
    ))) AS n_sources,
    list_sort(list_distinct(list(h.source))) AS sources,
    list_sort(list_distinct(list(h.doc))) AS docs,
    list_sort(list_distinct(list(nullif(coalesce(a.url, d.url), '')))) AS urls,
    list_sort(list_distinct(list(h.published))) AS published,
    any_value(h.verdict) AS verdict
FROM hits AS h
LEFT JOIN articles AS a ON a.article_id = h.article_id
LEFT JOIN duplicates AS d ON d.article_id = h.article_id
GROUP BY h.actor, h.topic, h.stated_on, h.claim_id
ORDER BY h.actor, h.topic, day, h.claim_id;
