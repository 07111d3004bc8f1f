-- Scores the terms of the CTE docs (columns grp, target, tokens) per grp: the weighted
-- log-odds ratio with an informative Dirichlet prior (see analytics/queries/terms.py).
raw AS (
    SELECT grp, target, token, count(*) AS n
    FROM (SELECT grp, target, unnest(tokens) AS token FROM docs)
    WHERE token <> ''
    GROUP BY ALL
),
-- Each distinct token is cleaned once, however many windows and posts use it: URLs
-- dropped, curly apostrophes straightened, split on anything but letters, digits, _, #
-- and apostrophes.
pieces AS (
    SELECT token, unnest(string_split(
        regexp_replace(
            replace(regexp_replace(token, '(?:https?://|www\.)\S+', ' ', 'g'), chr(8217), ''''),
            '[^\p{L}\p{N}_#'']+', ' ', 'g'
        ),
        ' '
    )) AS piece
    FROM (SELECT DISTINCT token FROM raw)
),
-- Name words of watched shows, people, characters and ships, bare and as hashtags
-- (#kitconnor); themes stay in, their names are ordinary words worth seeing rise.
entity_names AS (
    SELECT trim(regexp_replace(lower(name), '[^\p{L}\p{N}_]+', ' ', 'g')) AS name
    FROM entities WHERE kind <> 'theme' AND $exclude_entity_names
),
entity_words AS (SELECT unnest(string_split(name, ' ')) AS word, name FROM entity_names),
excluded AS (
    SELECT unnest($excluded::VARCHAR[]) AS term
    UNION SELECT word FROM entity_words
    UNION SELECT '#' || word FROM entity_words
    UNION SELECT '#' || replace(name, ' ', '') FROM entity_names
),
vocabulary AS (
    SELECT token, term
    FROM (
        SELECT token, regexp_replace(trim(piece, ''''), '''s$', '') AS term FROM pieces
    )
    WHERE regexp_full_match(term, '#?[\p{L}\p{N}_]+(?:''[\p{L}\p{N}_]+)*')
      AND regexp_matches(term, '\p{L}')
      AND length(ltrim(term, '#')) >= $min_length
      AND term NOT IN (SELECT term FROM excluded WHERE term IS NOT NULL)
),
counts AS (
    SELECT r.grp, v.term,
           CAST(coalesce(sum(r.n) FILTER (WHERE r.target), 0) AS BIGINT) AS y_a,
           CAST(coalesce(sum(r.n) FILTER (WHERE NOT r.target), 0) AS BIGINT) AS y_b
    FROM raw r JOIN vocabulary v USING (token)
    GROUP BY r.grp, v.term
),
totals AS (SELECT grp, sum(y_a) AS n_a, sum(y_b) AS n_b FROM counts GROUP BY grp),
priors AS (
    SELECT c.grp, c.term, c.y_a, c.y_b, t.n_a, t.n_b,
           $prior_scale * (c.y_a + c.y_b) AS alpha, $prior_scale * (t.n_a + t.n_b) AS alpha_0
    FROM counts c JOIN totals t USING (grp)
    WHERE c.y_a >= $min_count
      AND CASE $only
          WHEN 'terms' THEN NOT starts_with(c.term, '#')
          WHEN 'hashtags' THEN starts_with(c.term, '#')
          ELSE TRUE
      END
),
scored AS (
    SELECT grp, term, y_a, y_b, n_a, n_b, alpha,
           ln((y_a + alpha) / (n_a + alpha_0 - y_a - alpha))
           - ln((y_b + alpha) / (n_b + alpha_0 - y_b - alpha)) AS log_odds
    FROM priors
)
SELECT grp, term, starts_with(term, '#') AS hashtag,
       y_a AS count, y_b AS baseline_count,
       1000.0 * y_a / n_a AS per_1k,
       1000.0 * y_b / nullif(n_b, 0) AS baseline_per_1k,
       log_odds,
       log_odds / sqrt(1.0 / (y_a + alpha) + 1.0 / (y_b + alpha)) AS z
FROM scored
WHERE log_odds > 0
QUALIFY row_number() OVER (PARTITION BY grp ORDER BY z DESC, term) <= $limit
ORDER BY grp, z DESC, term
