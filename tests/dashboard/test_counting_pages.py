"""Dashboard counts: stories by default and every copy on request, shows with their cast,
and a one-line reason wherever the shows' figures do not add up to the total."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from analytics.core.config import load_config
from analytics.core.filters import Filters
from analytics.queries.kpis import period_figures
from analytics.store import connect, transaction
from tests.conftest import write_config
from tests.dashboard.test_pages import (
    build_sample_db,
    charts_on,
    day_start,
    metrics,
    navigation_only,  # noqa: F401 (autouse: the app runs as the server runs it)
    open_app,
    sample_config,
    texts,
)

COPIES = 40  # posts turned into copies of the newest posts' stories


@pytest.fixture(scope="module")
def copied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample where some posts are copies of others and one post is about two shows."""
    directory = tmp_path_factory.mktemp("copied")

    def make(sources: list[dict[str, Any]], **kwargs: Any) -> Path:
        return write_config(directory, sources, **kwargs)

    config = sample_config(make, directory)
    build_sample_db(config, posts=4_000, days=20)
    with connect(load_config(config).database_path) as con, transaction(con):
        newest = [
            r[0]
            for r in con.execute(
                "SELECT post_id FROM posts ORDER BY created_at DESC, post_id LIMIT ?", [2 * COPIES]
            ).fetchall()
        ]
        for original, copy in zip(newest[::2], newest[1::2], strict=True):
            con.execute("UPDATE posts SET story_id = ? WHERE post_id = ?", [original, copy])
        # The newest Heartstopper post names Young Royals too.
        con.execute(
            "INSERT INTO mentions SELECT post_id, 'show:young-royals', 'Young Royals' "
            "FROM mentions m JOIN posts p USING (post_id) "
            "WHERE m.entity_id = 'show:heartstopper' "
            "AND post_id NOT IN (SELECT post_id FROM mentions "
            "WHERE entity_id = 'show:young-royals') "
            "ORDER BY p.created_at DESC LIMIT 1"
        )
    return config


def period_of(app: Any) -> Filters:
    first, last = app.date_input(key="filter_period").value
    return Filters(start=day_start(first), end=day_start(last) + timedelta(days=1))


def test_overview_counts_stories_then_every_copy_and_explains_the_shows_sum(
    copied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(copied, monkeypatch)
    with connect(load_config(copied).database_path, read_only=True) as con:
        figures = period_figures(con, period_of(app))
    assert figures.stories == figures.posts - COPIES
    assert metrics(app)["Mentions"] == f"{figures.stories:,}"
    mentions = next(m for m in app.metric if m.label == "Mentions")
    assert "Stories (copies of one story" in mentions.help
    assert "cast, characters and ships" in mentions.help
    line = "A post about two shows counts for both: "
    assert f"{line}{figures.stories:,} stories, {figures.show_stories:,} show mentions." in texts(
        app
    )
    # Both sample shows in one post, and copies of a story about different shows.
    assert figures.show_stories > figures.stories

    app.toggle(key="filter_copies").set_value(True).run()
    assert not app.exception
    assert metrics(app)["Mentions"] == f"{figures.posts:,}"
    assert f"{line}{figures.posts:,} posts, {figures.show_posts:,} show mentions." in texts(app)


def test_compare_labels_shows_with_their_cast_and_reconciles(
    copied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(copied, monkeypatch)
    with connect(load_config(copied).database_path, read_only=True) as con:
        figures = period_figures(con, period_of(app))
    app.switch_page("pages/compare.py").run()
    assert not app.exception
    titles = [spec.get("title") for spec in charts_on(app)]
    assert "Shows, incl. cast and characters: stories and share of voice" in titles
    assert (
        f"A post about two shows counts for both: {figures.stories:,} stories, "
        f"{figures.show_stories:,} show mentions." in texts(app)
    )


def test_compare_of_one_show_has_nothing_to_reconcile(
    copied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(copied, monkeypatch)
    app.switch_page("pages/compare.py").run()
    app.multiselect(key="filter_entities").set_value(["show:heartstopper"]).run()
    assert not app.exception
    titles = [spec.get("title") for spec in charts_on(app)]
    assert "Shows, incl. cast and characters: stories and share of voice" in titles
    # One show: its bar is the page's total, even though one of its posts names another.
    assert "counts for both" not in texts(app)
