CASE WHEN list_contains($stop_langs, lower(left(p.lang, 2))) THEN lower(left(p.lang, 2)) ELSE '*' END
