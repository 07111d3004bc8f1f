"""Engagement velocity on a real file: counts stored by the write path and by refreshes at
known times; the ranking and the per-hour figures follow from the counts the test chose."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from analytics.core.filters import Filters
from analytics.core.models import Counts, Mention, RefreshResult
from analytics.queries.velocity import rising_posts
from analytics.store import connect, prepare_database, run_query, save_batches
from analytics.store.engagement import save_refresh
from tests.analytics.store.test_store import ENTITIES, batch, scored

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def store_posts(db: Path, likes: dict[str, int], at: datetime) -> None:
    """Posts titled by ``likes``' keys, first stored at ``at`` with those likes."""
    posts = scored(len(likes))
    for item, (title, count) in zip(posts, likes.items(), strict=True):
        item.post = replace(item.post, post_id=f"rss:{title}", title=title, likes=count)
        item.mentions = [Mention(item.post.post_id, "show:heartstopper", "Heartstopper")]
    save_batches(db, [batch(posts)], collected_at=at)


def observe(db: Path, likes: dict[str, int], at: datetime) -> None:
    counts = [Counts(f"rss:{title}", likes=n) for title, n in likes.items()]
    asked = [c.post_id for c in counts]
    save_refresh(db, [RefreshResult(asked=asked, counts=counts, gone=[])], at)


def test_posts_rank_by_engagement_gained_per_hour_in_the_window(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    store_posts(db, {"steady": 100, "burst": 10, "still": 5000}, T0)
    observe(db, {"steady": 160, "burst": 10, "still": 5000}, T0 + timedelta(hours=2))
    observe(db, {"steady": 220, "burst": 250, "still": 5000}, T0 + timedelta(hours=4))
    # Found inside the window with 900 likes: only what it gained while watched counts.
    store_posts(db, {"late": 900}, T0 + timedelta(hours=3))
    observe(db, {"late": 930}, T0 + timedelta(hours=4))

    since, until = T0 + timedelta(hours=2), T0 + timedelta(hours=4)
    with connect(db, read_only=True) as con:
        rising = rising_posts(con, since, until)
    ranked = list(zip(rising["title"], rising["gained"], rising["gained_per_hour"], strict=True))
    # burst: 10 → 250 in the 2 h window; steady: 160 → 220; late: 900 → 930 over the 1 h
    # since first sight (ties go to the larger gain); still: no gain, not listed.
    assert ranked == [("burst", 240, 120.0), ("steady", 60, 30.0), ("late", 30, 30.0)]
    assert list(rising["engagement"]) == [250, 220, 930]

    with connect(db, read_only=True) as con:
        nothing = rising_posts(con, since, until, Filters(entity_ids=("person:kit-connor",)))
    assert nothing.empty


def test_history_records_only_changes_and_the_view_shows_each_gain(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    store_posts(db, {"a": 10}, T0)
    store_posts(db, {"a": 10}, T0 + timedelta(minutes=30))  # polled again, unchanged
    observe(db, {"a": 10}, T0 + timedelta(hours=1))  # refreshed, unchanged
    observe(db, {"a": 40}, T0 + timedelta(hours=3))
    save_refresh(  # a refresh that gives no count never erases one
        db, [RefreshResult(["rss:a"], [Counts("rss:a")], [])], T0 + timedelta(hours=4)
    )
    _, rows = run_query(
        db, "SELECT observed_at, likes, gained, hours, gained_per_hour FROM engagement_growth"
    )
    assert rows == [(T0, 10, None, None, None), (T0 + timedelta(hours=3), 40, 30, 3.0, 10.0)]
    _, likes = run_query(db, "SELECT likes FROM posts")
    assert likes == [(40,)]
