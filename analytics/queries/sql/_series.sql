series AS (
    SELECT entity_id, name FROM entities
    WHERE CASE
        WHEN len($entity_ids) > 0 THEN list_contains($entity_ids, entity_id)
        WHEN len($kinds) > 0 THEN list_contains($kinds, kind)
        ELSE TRUE
    END
)
