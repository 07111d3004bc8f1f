"""The engagement score of a post, as SQL: one definition for the views, top posts, spikes
and the explorer.

``coalesce(likes, score, 0) + 2 × shares + replies``: Reddit's likes and score are the same
votes, so they count once; shares spread a post further than a like, so they weigh double;
video views are left out (they would put every video above every post).
"""

from __future__ import annotations

ENGAGEMENT_SQL = (
    "(coalesce({p}.likes, {p}.score, 0) + 2 * coalesce({p}.shares, 0) + coalesce({p}.replies, 0))"
)


def engagement(alias: str = "p") -> str:
    """The engagement score as a SQL expression on the posts table aliased ``alias``."""
    if not alias.isidentifier():
        raise ValueError(f"{alias!r} is not a table alias")
    return ENGAGEMENT_SQL.format(p=alias)
