-- A stored digest by day.
SELECT day, markdown, html, body, run_id, created_at FROM digests WHERE day = $day;
