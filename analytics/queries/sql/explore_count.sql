-- How many posts explore_search.sql would list without its limit.
SELECT count(*) FROM posts p WHERE {{_explore_where}}
