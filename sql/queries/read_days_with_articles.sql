-- Every day on which an article (or a copy of one) was published.
SELECT published FROM articles WHERE published IS NOT NULL
UNION
SELECT published FROM duplicates WHERE published IS NOT NULL
ORDER BY published;
