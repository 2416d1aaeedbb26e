-- Stored articles and copies without a date: no day's digest can hold them.
SELECT (SELECT count(*) FROM articles WHERE published IS NULL)
     + (SELECT count(*) FROM duplicates WHERE published IS NULL);
