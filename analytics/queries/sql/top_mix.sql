-- Posts per value of one column, with their share in percent, largest first.
SELECT {{mix_column}} AS value, count(*) AS posts,
       100.0 * count(*) / sum(count(*)) OVER () AS pct
FROM posts p
WHERE {{filters}}
GROUP BY {{mix_column}}
ORDER BY posts DESC, value NULLS LAST
