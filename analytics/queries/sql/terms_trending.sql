-- Terms rising in the target period against its baseline.
WITH docs AS (
    SELECT 0 AS grp, TRUE AS target, {{_terms_tokens}} AS tokens FROM posts p
    WHERE {{filters}}
    UNION ALL
    SELECT 0, FALSE, {{_terms_tokens}} FROM posts p WHERE {{baseline_filters}}
),
{{_terms_scoring}}
