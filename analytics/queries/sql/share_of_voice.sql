-- Mentions and share per compared entity: those of $kind, of one show when $show_id is
-- set, and only $entity_ids when given ({{filters}} leaves out its entity condition).
WITH compared AS (
    SELECT entity_id, name FROM entities
    WHERE kind = $kind
      AND ($show_id IS NULL OR show_id = $show_id)
      AND (len($entity_ids) = 0 OR list_contains($entity_ids, entity_id))
),
counts AS (
    SELECT m.entity_id, count(*) AS mentions
    FROM mentions m JOIN posts p USING (post_id)
    WHERE m.entity_id IN (SELECT entity_id FROM compared) AND {{filters}}
    GROUP BY ALL
)
SELECT k.entity_id, k.name, coalesce(c.mentions, 0) AS mentions,
       100.0 * coalesce(c.mentions, 0) / nullif(sum(c.mentions) OVER (), 0) AS share_pct
FROM compared k LEFT JOIN counts c USING (entity_id)
ORDER BY mentions DESC, k.entity_id
