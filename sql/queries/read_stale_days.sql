-- Days whose digest is missing or out of date, oldest first.
SELECT day FROM stale_days ORDER BY day;
