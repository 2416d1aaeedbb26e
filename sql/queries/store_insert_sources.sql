-- New outlets of a batch (Arrow table batch_sources: name, kind, url); known names are kept as they are.
INSERT INTO sources (name, kind, url)
SELECT name, kind, url FROM batch_sources
ON CONFLICT DO NOTHING;
