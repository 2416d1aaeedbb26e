-- Names by which each canonical actor is referred to in text: its confirmed aliases, and the actors who
-- speak for it (their names and aliases: "Witkoff" refers to the United States).
SELECT actor, alias FROM aliases WHERE status = 'confirmed'
UNION
SELECT party, name FROM actors WHERE party IS NOT NULL AND party <> name
UNION
SELECT p.party, a.alias
FROM actors AS p
JOIN aliases AS a ON a.actor = p.name AND a.status = 'confirmed'
WHERE p.party IS NOT NULL AND p.party <> p.name
ORDER BY 1, 2;
