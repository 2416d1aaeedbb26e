-- Per feed: entries waiting for another try (or for their turn) and entries given up.
SELECT source,
       count(*) FILTER (WHERE status = 'pending') AS pending,
       count(*) FILTER (WHERE status = 'failed') AS failed
FROM feed_entries
GROUP BY source;
