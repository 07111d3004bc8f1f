"""Drill-down: from a picked point, bar or spike alert to the posts behind it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics.core.config import load_config
from analytics.core.engagement import engagement
from analytics.core.filters import Filters
from analytics.queries.alerts import Alert, AlertLink
from analytics.queries.explore import search_posts
from analytics.store import connect, transaction
from analytics.store.alerts import record_new
from dashboard.drill import DRILL_KEY, Drill, bucket_drill, safe_link
from tests.conftest import write_config
from tests.dashboard.test_pages import (
    HOSTILE,
    build_sample_db,
    navigation_only,  # noqa: F401  (the autouse fixture, for this module too)
    open_app,
    sample_config,
    texts,
)


@pytest.fixture(scope="module")
def drilled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sample posts and one spike alert that names its entities, bucket and linked posts."""
    directory = tmp_path_factory.mktemp("drill")
    config = sample_config(lambda s, **k: write_config(directory, s, **k), directory)
    now = datetime.now(UTC).replace(microsecond=0)
    build_sample_db(config, posts=4_000, days=40, now=now)
    day = now.replace(hour=0, minute=0, second=0) - timedelta(days=1)
    alert = Alert(
        alert_id=f"spike:show:young-royals:{day.isoformat()}",
        kind="spike",
        happened_at=day,
        title="📈 Spike in mentions of Young Royals",
        message="90 posts vs a usual 20 (robust z 6.0).",
        entity_id="show:young-royals",
        entity_ids=("show:young-royals",),
        bucket="day",
        links=(
            AlertLink(HOSTILE, "https://example.org/young-royals/1"),
            AlertLink("a bad link", "javascript:alert(1)"),
        ),
    )
    with connect(load_config(config).database_path) as con, transaction(con):
        record_new(con, [alert], now + timedelta(minutes=1))
    return config


def posts_of(config: Path, filters: Filters, order: str) -> list[str]:
    with connect(load_config(config).database_path, read_only=True) as con:
        return list(search_posts(con, filters, order=order, limit=200)["url"])


def drill_table(app: AppTest) -> pd.DataFrame:
    tables = [t for t in app.dataframe if {"mentions", "link"} <= set(t.value.columns)]
    assert len(tables) == 1, "one table of the posts behind what was picked"
    return tables[0].value


def test_a_picked_day_lists_its_posts_most_engaging_first(
    drilled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(drilled, monkeypatch)
    assert "Posts behind" not in texts(app), "nothing picked yet"
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=3)
    picked = bucket_drill(
        {
            "entity_id": "show:heartstopper",
            "name": "Heartstopper",
            "bucket_key": day.isoformat(),
            "when": f"{day:%Y-%m-%d}",
        },
        "day",
        "overview",
    )
    assert picked is not None
    assert (picked.start, picked.end) == (day, day + timedelta(days=1))
    app.session_state[DRILL_KEY] = picked
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert f"Posts behind: Heartstopper · {day:%Y-%m-%d}" in texts(app).replace("\\", "")
    table = drill_table(app)
    expected = posts_of(
        drilled,
        Filters(start=day, end=day + timedelta(days=1), entity_ids=("show:heartstopper",)),
        "engagement",
    )
    assert list(table["link"]) == expected and expected
    assert all(day <= t < day + timedelta(days=1) for t in table["posted (UTC)"])
    engagement = table["engagement"].fillna(-1).tolist()
    assert engagement == sorted(engagement, reverse=True)

    app.segmented_control(key="drill_order").set_value("newest").run()
    table = drill_table(app)
    assert list(table["posted (UTC)"]) == sorted(table["posted (UTC)"], reverse=True)

    app.button(key="drill_close").click().run()
    assert "Posts behind" not in texts(app)
    assert DRILL_KEY not in app.session_state


def test_a_spike_alert_links_its_posts_and_lists_them(
    drilled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(drilled, monkeypatch)
    shown = [m.value for m in app.markdown if "example.org/young-royals/1" in m.value]
    assert shown, "the alert's posts are links"
    link = shown[0]
    assert "(<https://example.org/young-royals/1>)" in link
    assert "<script>" not in link and "\\<script\\>" in link, "the title is text"
    assert "javascript:" not in " ".join(m.value for m in app.markdown)
    spike_buttons = [b for b in app.button if b.label == "Show the posts of this spike"]
    spike_buttons[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert "Posts behind: 📈 Spike in mentions of Young Royals" in texts(app).replace("\\", "")
    table = drill_table(app)
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    expected = posts_of(
        drilled,
        Filters(start=day, end=day + timedelta(days=1), entity_ids=("show:young-royals",)),
        "engagement",
    )
    assert list(table["link"]) == expected and expected


def test_a_picked_term_lists_the_posts_saying_it(
    drilled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(drilled, monkeypatch, "conversation")
    app.session_state[DRILL_KEY] = Drill("“rewatch”", text="rewatch", page="conversation")
    app.run()
    table = drill_table(app)
    assert len(table) > 0
    assert all("rewatch" in post.lower() for post in table["post"])
    # A drill-down belongs to the page it was picked on.
    app.switch_page("pages/overview.py")
    app.run()
    assert "Posts behind" not in texts(app)


def test_only_web_addresses_become_links() -> None:
    assert safe_link("https://example.org/a") == "https://example.org/a"
    assert safe_link("http://example.org/a") == "http://example.org/a"
    for bad in ("javascript:alert(1)", "data:text/html,x", None, "", "ftp://x"):
        assert safe_link(bad) is None


def test_a_click_without_a_bucket_picks_nothing() -> None:
    assert bucket_drill({"entity_id": "show:x"}, "day", "overview") is None
    assert bucket_drill({"bucket_key": "not a date"}, "day", "overview") is None
    assert bucket_drill({"bucket_key": "2026-12-01T00:00:00"}, "day", "overview") is None


def test_search_orders_by_engagement_or_recency(drilled: Path) -> None:
    with connect(load_config(drilled).database_path, read_only=True) as con:
        engaging = search_posts(con, Filters(sources=("reddit",)), order="engagement", limit=50)
        newest = search_posts(con, Filters(sources=("reddit",)), order="newest", limit=50)
        most = con.execute(
            f"SELECT max({engagement('p')}) FROM posts p WHERE source = 'reddit'"
        ).fetchone()[0]
        with pytest.raises(ValueError):
            search_posts(con, order="random")
    assert engaging["engagement"].iloc[0] == most
    assert list(engaging["engagement"]) == sorted(engaging["engagement"], reverse=True)
    assert list(newest["created_at"]) == sorted(newest["created_at"], reverse=True)
