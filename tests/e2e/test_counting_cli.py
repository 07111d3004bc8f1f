"""`fanpulse trends` counts stories by default, every copy with --copies, a show with its
cast, and says in one line why the shows' mentions do not add up to the total."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.analytics.store.test_stories_and_shows import POSTS, WATCHLIST, store
from tests.e2e.test_cli import fanpulse


def test_trends_counts_stories_a_show_with_its_cast_and_reconciles(
    tmp_path: Path, make_config: Callable[..., Path]
) -> None:
    path = tmp_path / "fanpulse.duckdb"
    recent = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    store(path, POSTS, WATCHLIST.entities(), at=recent - timedelta(minutes=len(POSTS)))
    config = make_config([], database=path)

    stories = fanpulse(config, "trends", "--entity", "show:alpha", "--days", "2")
    assert stories.returncode == 0, stories.stderr
    out = " ".join(stories.stdout.split())
    assert "Alpha, incl. cast and characters (show:alpha)" in out
    assert "Mentions 5 stories" in out and "(7 posts with copies)" in out
    assert "Alpha │ 5 │ 55.6%" in out and "Beta │ 4 │ 44.4%" in out
    assert (
        "A post about two shows counts for both; 1 stories are about no watched show: "
        "8 stories, 9 show mentions." in out
    )

    copies = fanpulse(config, "trends", "--entity", "show:alpha", "--days", "2", "--copies")
    assert copies.returncode == 0, copies.stderr
    out = " ".join(copies.stdout.split())
    assert "Mentions 7 posts, every copy" in out
    assert "Alpha │ 7 │ 63.6%" in out and "Beta │ 4 │ 36.4%" in out
    assert "10 posts, 11 show mentions." in out
