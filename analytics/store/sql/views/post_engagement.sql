-- Every post with its engagement score (the expression from analytics.core.engagement).
CREATE OR REPLACE VIEW post_engagement AS
SELECT p.*, {{engagement}} AS engagement
FROM posts p;
