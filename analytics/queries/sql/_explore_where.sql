{{filters}}
    -- $pattern: a LIKE pattern with its wildcards escaped by \ (NULL: no text search)
    AND ($pattern IS NULL OR p.title ILIKE $pattern ESCAPE '\' OR p.text ILIKE $pattern ESCAPE '\')
    AND (len($labels) = 0 OR list_contains($labels, p.sentiment_label))
