-- Terms rising in the target period against its baseline.
WITH docs AS (
    SELECT 0 AS grp, TRUE AS target, {{_terms_author}} AS who, {{_terms_lang}} AS lang,
           {{_terms_body}} AS body
    FROM posts p
    WHERE {{filters}}
    UNION ALL
    SELECT 0, FALSE, {{_terms_author}}, {{_terms_lang}}, {{_terms_body}}
    FROM posts p WHERE {{baseline_filters}}
),
{{_terms_scoring}}
