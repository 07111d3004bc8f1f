coalesce(p.title, '') || ' . ' || left(p.text, $text_chars)
