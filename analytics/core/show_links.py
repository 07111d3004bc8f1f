"""Which shows a post counts for, as SQL: one definition for the ``show_links`` view and
for the queries, which apply it to the mentions of the posts they select (far fewer rows
than every mention, so a page stays fast on millions of posts).

A post counts for a show when it mentions the show or a person, character or ship listed
under it (``entity_shows``). A member listed under several shows counts for the shows the
post otherwise names (the show itself, or a member of that show only); when it names none
of them, for each show the member is listed under: a post about the person on one show's
set is about that show, while a red-carpet post naming only the person is talent news for
every show they are in.
"""

from __future__ import annotations

SHOW_LINKS_SQL = """
WITH listed AS (
    SELECT entity_id, 'show:' || show_id AS show_entity,
           count(*) OVER (PARTITION BY entity_id) > 1 AS shared
    FROM entity_shows
    UNION ALL
    SELECT entity_id, entity_id, FALSE FROM entities WHERE kind = 'show'
),
shared_links AS MATERIALIZED (
    -- mentions of members of several shows: few, so kept apart from the rest
    SELECT m.post_id, l.show_entity AS entity_id, m.entity_id AS member
    FROM {mentions} m JOIN listed l USING (entity_id)
    WHERE m.entity_id IN (SELECT entity_id FROM listed WHERE shared)
),
anchored AS (
    -- (post, member of several shows) where the post names one of the member's shows
    SELECT DISTINCT s.post_id, s.member
    FROM shared_links s
    JOIN {mentions} m ON m.post_id = s.post_id
    JOIN listed l ON l.entity_id = m.entity_id AND l.show_entity = s.entity_id
    WHERE NOT l.shared AND m.post_id IN (SELECT post_id FROM shared_links)
)
SELECT m.post_id, l.show_entity AS entity_id, m.entity_id AS member,
       m.entity_id = l.show_entity AS direct
FROM {mentions} m JOIN listed l USING (entity_id)
WHERE NOT l.shared
UNION ALL
SELECT s.post_id, s.entity_id, s.member, FALSE AS direct FROM shared_links s
ANTI JOIN anchored a ON a.post_id = s.post_id AND a.member = s.member
"""


def show_links(mentions: str = "mentions") -> str:
    """The rows (post_id, entity_id = the show, member, direct) of the posts in the relation
    ``mentions`` (columns post_id, entity_id): one per mention that puts a post under a show."""
    if not mentions.isidentifier():
        raise ValueError(f"{mentions!r} is not a relation name")
    return SHOW_LINKS_SQL.format(mentions=mentions)
