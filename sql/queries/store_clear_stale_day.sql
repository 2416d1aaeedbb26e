-- A day whose digest was just written (files and row) is no longer stale.
DELETE FROM stale_days WHERE day = $day;
