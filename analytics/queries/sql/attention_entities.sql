-- The entities to show: the chosen ones, else those measured in the period.
SELECT entity_id, name FROM entities
WHERE CASE
    WHEN len($entity_ids) > 0 THEN list_contains($entity_ids, entity_id)
    ELSE entity_id IN (
        SELECT entity_id FROM attention WHERE metric = $metric AND day BETWEEN $first AND $last
    )
END
ORDER BY entity_id
