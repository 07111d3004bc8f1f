string_split_regex(trim(
        -- 4. Anything else that is not part of a word (punctuation, emoji) ends a phrase: '|'.
        regexp_replace(
            -- 3. Hyphens, slashes and '&' join the words of one phrase; stray apostrophes go.
            regexp_replace(regexp_replace(regexp_replace(
                -- 2. Possessive endings go.
                regexp_replace(
                    -- 1. URLs end a phrase; curly apostrophes are straight ones.
                    regexp_replace(
                        replace(
                            ' ' || lower(b.body) || ' ',
                            chr(8217), ''''
                        ),
                        '(?:https?://|www\.)\S+', ' | ', 'g'
                    ),
                    '''s([^\p{L}\p{N}_])', '\1', 'g'
                ),
                '([^\p{L}\p{N}])''+', '\1 ', 'g'),
                '''+([^\p{L}\p{N}])', ' \1', 'g'),
                '[-/&+]', ' ', 'g'),
            '[^\p{L}\p{N}\p{M}_#''\s\p{Z}]+', ' | ', 'g'
        )
    ), '[\s\p{Z}]+')
