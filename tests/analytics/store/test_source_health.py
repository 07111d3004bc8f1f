"""The source_health view counts each channel's own recent posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from analytics.core.models import RunBatch, RunRecord, SourceState
from analytics.store import prepare_database, run_query, save_batches
from tests.analytics.store.test_store import ENTITIES, scored

SOURCE = "two-feeds"
HOME, NEWS = "http://127.0.0.1/home.xml", "http://127.0.0.1/news.xml"


def channel_batch(channel: str, prefix: str, n: int) -> RunBatch:
    """``n`` posts of ``SOURCE`` found on ``channel``, with that channel's state."""
    now = datetime.now(UTC)
    posts = scored(n, prefix=prefix)
    for post in posts:
        post.post.source_name = SOURCE
        post.post.channel = channel
    run = RunRecord(SOURCE, "rss", channel, now, now, "ok", n, 0)
    state = SourceState(SOURCE, channel, "rss", last_attempt_at=now, last_success_at=now)
    return RunBatch(run=run, posts=posts, states=[state])


def test_each_channel_row_counts_only_its_own_posts_of_the_last_day(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    save_batches(db, [channel_batch(HOME, "rss:home", 3), channel_batch(NEWS, "rss:news", 2)])
    # Collected two days ago: outside the window on whichever channel it is.
    save_batches(
        db,
        [channel_batch(HOME, "rss:home-old", 4)],
        collected_at=datetime.now(UTC) - timedelta(days=2),
    )
    inserted = dict(
        run_query(
            db,
            "SELECT channel, count(*) FROM posts WHERE source_name = ? "
            "AND collected_at >= now() - INTERVAL 1 DAY GROUP BY channel",
            [SOURCE],
        )[1]
    )
    assert inserted == {HOME: 3, NEWS: 2}
    rows = run_query(
        db,
        "SELECT channel, posts_last_24h FROM source_health WHERE source_name = ? ORDER BY 1",
        [SOURCE],
    )[1]
    assert rows == [(HOME, 3), (NEWS, 2)]
