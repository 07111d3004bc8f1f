"""The demo's themes read as real ones do: each has posts of several moods, and the
renewal theme takes every inflection of "cancel" and "renew"."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.queries.themes import theme_shares
from analytics.store import connect
from fanpulse.demo import build_demo
from tests.conftest import REPO

END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(load_config(REPO / "config" / "fanpulse.toml"), path, posts=20_000, end=END)
    return path


def test_every_busy_theme_has_more_than_one_mood(demo: Path) -> None:
    with connect(demo, read_only=True) as con:
        shares = theme_shares(con)
    busy = shares[shares["posts"] >= 30]
    assert len(busy) == len(shares), shares[["entity_id", "posts"]]
    for row in busy.itertuples():
        assert 0 < row.positive_share < 1 or 0 < row.negative_share < 1, row
        assert row.positive_share + row.negative_share <= 1
    assert (busy["negative_share"] > 0).all(), busy[["entity_id", "negative_share"]]


def test_cancelling_counts_for_renewal(demo: Path) -> None:
    with connect(demo, read_only=True) as con:
        rows = con.execute(
            "SELECT DISTINCT m.matched FROM mentions m JOIN posts p USING (post_id) "
            "WHERE m.entity_id = 'theme:renewal' AND p.text ILIKE '%cancelling%'"
        ).fetchall()
    assert rows == [("cancel*",)]
