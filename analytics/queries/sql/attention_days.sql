-- The span of the measurements of one metric.
SELECT min(day), max(day) FROM attention WHERE metric = $metric
