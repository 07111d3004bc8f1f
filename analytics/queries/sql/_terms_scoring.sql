-- Scores the terms of the CTE docs (columns grp, target, who, lang, body) per grp: the
-- weighted log-odds ratio with an informative Dirichlet prior (see analytics/queries/terms.py).
-- Terms are words, hashtags and phrases of two or three words.
--
-- Each distinct text is read once however many posts carry it (copies, reposts, windows):
-- reading is the costly part. Texts are grouped by a 64-bit hash of title and text
-- (grouping long strings is slower); a collision would merge two texts in a million.
-- CTEs read more than once are MATERIALIZED, so none is computed twice.
per_text AS MATERIALIZED (
    SELECT grp, lang, hash(body) AS h, any_value(body) AS body,
           count(*) FILTER (WHERE target) AS copies_a,
           count(*) FILTER (WHERE NOT target) AS copies_b,
           list(DISTINCT who) FILTER (WHERE target) AS accounts
    FROM docs
    GROUP BY grp, lang, hash(body)
),
texts AS (SELECT lang, h, any_value(body) AS body FROM per_text GROUP BY lang, h),
-- Each position of a text: its word and the two after it.
positions AS MATERIALIZED (
    SELECT lang, h, g[1] AS w1, g[2] AS w2, g[3] AS w3, count(*) AS n
    FROM (
        SELECT b.lang, b.h, unnest(list_zip(tokens, tokens[2:], tokens[3:])) AS g
        FROM (SELECT b.lang, b.h, {{_terms_tokens}} AS tokens FROM texts b) b
    )
    GROUP BY ALL
),
-- Names of watched shows, people, characters and ships, and the aliases and hashtags
-- given in $watched (themes stay in: their keywords are topics worth seeing rise).
entity_names AS (
    SELECT trim(regexp_replace(
        replace(lower(name), chr(8217), ''''), '[^\p{L}\p{N}\p{M}_'']+', ' ', 'g'
    )) AS name
    FROM (
        SELECT name FROM entities WHERE kind <> 'theme'
        UNION ALL SELECT unnest($watched::VARCHAR[]) AS name
    )
    WHERE $exclude_entity_names AND NOT starts_with(name, '#')
),
name_words AS (SELECT DISTINCT unnest(string_split(name, ' ')) AS word FROM entity_names),
name_tags AS (
    SELECT '#' || word AS tag FROM name_words
    UNION SELECT '#' || replace(name, ' ', '') FROM entity_names
    UNION SELECT lower(tag) FROM unnest($watched::VARCHAR[]) AS t(tag)
    WHERE $exclude_entity_names AND starts_with(tag, '#')
),
-- Stop words per language key (see TermOptions.stop_table).
stops AS (
    SELECT split_part(pair, ':', 1) AS lang, substr(pair, strpos(pair, ':') + 1) AS word
    FROM unnest(string_split($stop_pairs, ' ')) AS s(pair)
),
-- Each distinct word once per language key: what it may be part of.
-- break: ends a phrase (punctuation, URL, watched name); tag: a hashtag, a term alone;
-- stop: inside a three-word phrase only; number: in a phrase; word: anywhere.
vocabulary AS (SELECT DISTINCT lang, w1 AS word FROM positions),
classes AS (
    SELECT v.lang, v.word,
           CASE
               WHEN v.word = '' OR v.word = '|' THEN 'break'
               WHEN starts_with(v.word, '#') THEN
                   CASE
                       WHEN v.word IN (SELECT tag FROM name_tags)
                         OR NOT regexp_full_match(v.word, '#[\p{L}\p{N}\p{M}_]*\p{L}[\p{L}\p{N}\p{M}_]*')
                         OR length(v.word) - 1 < $min_length
                         OR ltrim(v.word, '#') IN (SELECT word FROM stops s WHERE s.lang = v.lang)
                           THEN 'break'
                       ELSE 'tag'
                   END
               WHEN NOT regexp_full_match(v.word, '[\p{L}\p{N}\p{M}_]+(?:''[\p{L}\p{N}\p{M}_]+)*')
                   THEN 'break'
               WHEN v.word IN (SELECT word FROM name_words) THEN 'break'
               WHEN v.word IN (SELECT word FROM stops s WHERE s.lang = v.lang) THEN 'stop'
               WHEN NOT regexp_matches(v.word, '\p{L}') THEN 'number'
               WHEN length(v.word) < $min_length THEN 'stop'
               ELSE 'word'
           END AS class
    FROM vocabulary v
),
classified AS MATERIALIZED (
    SELECT p.lang, p.h, p.n, p.w1, p.w2, p.w3,
           k1.class AS k1, coalesce(k2.class, 'break') AS k2, coalesce(k3.class, 'break') AS k3
    FROM positions p
    JOIN classes k1 ON k1.lang = p.lang AND k1.word = p.w1
    LEFT JOIN classes k2 ON k2.lang = p.lang AND k2.word = p.w2
    LEFT JOIN classes k3 ON k3.lang = p.lang AND k3.word = p.w3
),
-- A word or hashtag; two words; three words whose middle one may be a stop word ("end of
-- season"). Phrases start with a word, never hold a hashtag and never cross a break; a
-- number may follow a word ("season 2", "season 2 soundtrack", not "20 times").
text_terms AS MATERIALIZED (
    SELECT lang, h, term, any_value(words) AS words, sum(n) AS n
    FROM (
        SELECT lang, h, n, w1 AS term, 1 AS words
        FROM classified WHERE k1 IN ('word', 'tag')
        UNION ALL
        SELECT lang, h, n, w1 || ' ' || w2, 2
        FROM classified WHERE k1 = 'word' AND k2 IN ('word', 'number')
        UNION ALL
        SELECT lang, h, n, w1 || ' ' || w2 || ' ' || w3, 3
        FROM classified
        WHERE k1 = 'word' AND k2 IN ('word', 'number', 'stop')
          AND (k3 = 'word' OR (k3 = 'number' AND k2 = 'word'))
    )
    GROUP BY ALL
),
occurrences AS MATERIALIZED (
    SELECT c.grp, t.term, any_value(t.words) AS words,
           CAST(sum(t.n * c.copies_a) AS BIGINT) AS y_a,
           CAST(sum(t.n * c.copies_b) AS BIGINT) AS y_b
    FROM per_text c JOIN text_terms t USING (lang, h)
    GROUP BY c.grp, t.term
),
-- Totals over words and hashtags only: phrases re-count the same words.
totals AS (
    SELECT grp, sum(y_a) AS n_a, sum(y_b) AS n_b FROM occurrences WHERE words = 1 GROUP BY grp
),
priors AS (
    SELECT c.grp, c.term, c.words, c.y_a, c.y_b, t.n_a, t.n_b,
           $prior_scale * (c.y_a + c.y_b) AS alpha, $prior_scale * (t.n_a + t.n_b) AS alpha_0
    FROM occurrences c JOIN totals t USING (grp)
    WHERE c.y_a >= $min_count
      AND CASE $only
          WHEN 'terms' THEN NOT starts_with(c.term, '#')
          WHEN 'hashtags' THEN starts_with(c.term, '#')
          ELSE TRUE
      END
),
scored AS MATERIALIZED (
    SELECT grp, term, words, y_a, y_b, n_a, n_b, alpha,
           ln((y_a + alpha) / (n_a + alpha_0 - y_a - alpha))
           - ln((y_b + alpha) / (n_b + alpha_0 - y_b - alpha)) AS log_odds
    FROM priors
    WHERE ln((y_a + alpha) / (n_a + alpha_0 - y_a - alpha))
          - ln((y_b + alpha) / (n_b + alpha_0 - y_b - alpha)) > 0
),
-- Distinct accounts only for rising terms: the costly count runs on few terms.
accounts AS (
    SELECT grp, term, count(DISTINCT account) AS authors
    FROM (
        SELECT c.grp, t.term, unnest(c.accounts) AS account
        FROM per_text c
        JOIN (
            SELECT lang, h, term FROM text_terms WHERE term IN (SELECT term FROM scored)
        ) t USING (lang, h)
        SEMI JOIN scored s ON s.grp = c.grp AND s.term = t.term
    )
    GROUP BY grp, term
),
rising AS MATERIALIZED (
    SELECT s.*, a.authors
    FROM scored s JOIN accounts a USING (grp, term)
    WHERE a.authors >= $min_authors
),
-- A word or phrase inside a rising longer phrase that holds most of its uses says less
-- than that phrase: only the phrase is listed ("first look", not "first" and "look").
parts AS (
    SELECT r.grp, r.term AS phrase, r.y_a, unnest(list_concat(
               string_split(r.term, ' '),
               CASE WHEN r.words = 3
                    THEN [split_part(r.term, ' ', 1) || ' ' || split_part(r.term, ' ', 2),
                          split_part(r.term, ' ', 2) || ' ' || split_part(r.term, ' ', 3)]
                    ELSE [] END
           )) AS part
    FROM rising r WHERE r.words > 1
),
covered AS (
    SELECT DISTINCT r.grp, r.term
    FROM rising r JOIN parts p ON p.grp = r.grp AND p.part = r.term
    WHERE p.y_a >= $phrase_share * r.y_a
)
SELECT grp, term, starts_with(term, '#') AS hashtag, words,
       y_a AS count, y_b AS baseline_count, authors,
       1000.0 * y_a / n_a AS per_1k,
       1000.0 * y_b / nullif(n_b, 0) AS baseline_per_1k,
       log_odds,
       log_odds / sqrt(1.0 / (y_a + alpha) + 1.0 / (y_b + alpha)) AS z
FROM rising r ANTI JOIN covered c USING (grp, term)
QUALIFY row_number() OVER (PARTITION BY grp ORDER BY z DESC, term) <= $limit
ORDER BY grp, z DESC, term
