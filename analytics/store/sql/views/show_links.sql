-- Each mention that makes a post count for a show: the show's own mention (a post naming
-- it, or from a channel dedicated to it) or a mention of a member listed under the show (a
-- person, character or ship). The rule for a member of several shows is in
-- analytics.core.show_links (shared with the queries). A post reached through several
-- members has a row for each: show_posts has one row per post and show.
CREATE OR REPLACE VIEW show_links AS
{{show_links}};
