-- One digest per day: a re-run replaces it.
INSERT INTO digests (day, markdown, html, body, run_id)
VALUES ($day, $markdown, $html, $body::JSON, $run_id)
ON CONFLICT (day) DO UPDATE SET
    markdown = excluded.markdown,
    html = excluded.html,
    body = excluded.body,
    run_id = excluded.run_id,
    created_at = now();
