"""Posts → relevant, scored posts: match against the watchlist, score sentiment, hash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analytics.core.models import Mention, Post, ScoredPost
from collector.matching import Matcher
from collector.text import content_hash


@dataclass(slots=True)
class Processed:
    relevant: list[ScoredPost]
    off_topic: int  # posts that mention nothing watched (not stored)


def process_posts(posts: Sequence[Post], matcher: Matcher, *, show: str | None) -> Processed:
    """Keep posts that mention a watched entity, with their mentions and sentiment.

    A post seen twice in one batch (feeds repeat entries) is kept once.
    """
    if not posts:
        return Processed([], 0)
    # The scorer (lexicons, rule patterns: ~0.1 s) loads with the first post, so a poll of
    # unchanged feeds never loads it.
    from analytics.sentiment import score_text, scored_text

    relevant: list[ScoredPost] = []
    seen: set[str] = set()
    off_topic = 0
    for post in posts:
        if post.post_id in seen:
            continue
        seen.add(post.post_id)
        full_text = scored_text(post.title, post.text)
        matches = matcher.match(full_text, show=show)
        if not matches:
            off_topic += 1
            continue
        relevant.append(
            ScoredPost(
                post=post,
                sentiment=score_text(full_text),
                content_hash=content_hash(post.title, post.text),
                mentions=[Mention(post.post_id, m.entity_id, m.matched) for m in matches],
            )
        )
    return Processed(relevant, off_topic)
