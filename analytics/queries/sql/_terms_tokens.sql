string_split(
        replace(replace(replace(
            lower(coalesce(p.title, '') || ' ' || left(p.text, $text_chars)),
            chr(10), ' '), chr(13), ' '), chr(9), ' '),
        ' '
    )
