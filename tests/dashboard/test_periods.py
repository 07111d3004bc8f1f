"""Periods: `fanpulse trends --days 30` and the dashboard count the same days; presets, the
comparison switch and the filters kept in the page address."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.core.config import load_config
from analytics.core.filters import Filters
from analytics.core.periods import last_days, last_hours
from analytics.queries.kpis import kpis
from analytics.store import connect
from dashboard.deltas import changed
from tests.conftest import write_config
from tests.dashboard.test_pages import (
    APP,
    PREMIERE_DAYS_AGO,
    build_sample_db,
    day_start,
    navigation_only,  # noqa: F401  (the autouse fixture, for this module too)
    open_app,
    sample_config,
    texts,
)
from tests.e2e.test_cli import fanpulse


def test_cli_and_dashboard_count_the_same_last_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = sample_config(lambda s, **k: write_config(tmp_path, s, **k), tmp_path, events=False)
    now = datetime.now(UTC).replace(microsecond=0)
    build_sample_db(config, posts=3_000, days=60, now=now)
    # The dashboard opens on the days up to the newest post: make that post today's.
    with connect(load_config(config).database_path) as con:
        con.execute(
            "UPDATE posts SET created_at = ? WHERE post_id ="
            " (SELECT post_id FROM posts ORDER BY created_at DESC LIMIT 1)",
            [now],
        )

    cli = fanpulse(config, "trends", "--entity", "show:heartstopper", "--days", "30")
    assert cli.returncode == 0, cli.stderr
    found = re.search(r"Mentions\s+([\d,]+)", cli.stdout)
    assert found, cli.stdout

    app = open_app(config, monkeypatch)
    app.multiselect(key="filter_entities").set_value(["show:heartstopper"]).run()
    assert not app.exception, [e.value for e in app.exception]
    shown = [m.value for m in app.metric if m.label == "Mentions"]

    assert shown == [found.group(1)]
    assert int(found.group(1).replace(",", "")) > 0
    label = last_days(30, now).label()
    assert label in cli.stdout
    assert app.sidebar.caption[0].value == label  # right under the period picker


# ---------------------------------------------------------------- presets and the address


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample database whose newest post is now, with a premiere 20 days ago."""
    directory = tmp_path_factory.mktemp("shared")
    config = sample_config(lambda s, **k: write_config(directory, s, **k), directory)
    build_sample_db(config, posts=4_000, days=100)
    return config


def open_link(
    config: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, **params: str
) -> AppTest:
    """The dashboard as a browser opening ``/<page>?<params>`` in a new session."""
    monkeypatch.setenv("FANPULSE_CONFIG", str(config))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params = dict(params)
    app.run()
    if page is not None:
        app.switch_page(f"pages/{page}.py")
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def shown_mentions(app: AppTest) -> int:
    return int(next(m.value for m in app.metric if m.label == "Mentions").replace(",", ""))


def counted(config: Path, filters: Filters) -> int:
    with connect(load_config(config).database_path, read_only=True) as con:
        return kpis(con, filters).current.stories


def test_a_shared_address_restores_every_sidebar_filter(
    shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = {
        "period": "7d",
        "entities": "show:young-royals",
        "sources": "reddit,mastodon",
        "compare": "0",
    }
    app = open_link(shared, monkeypatch, **link)
    assert app.selectbox(key="filter_preset").value == "7d"
    assert app.multiselect(key="filter_entities").value == ["show:young-royals"]
    assert app.multiselect(key="filter_sources").value == ["reddit", "mastodon"]
    assert app.toggle(key="filter_compare").value is False
    first, last = app.date_input(key="filter_period").value
    assert (last - first).days == 6
    expected = counted(
        shared,
        Filters(
            start=day_start(first),
            end=day_start(last) + timedelta(days=1),
            entity_ids=("show:young-royals",),
            sources=("reddit", "mastodon"),
        ),
    )
    assert shown_mentions(app) == expected > 0
    # Not comparing: no figure carries a change.
    assert all(not m.proto.delta for m in app.metric)
    assert app.query_params == link, "the address still says what is shown"


def test_changing_a_filter_rewrites_the_address(
    shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_link(shared, monkeypatch)
    assert app.query_params == {}, "the default view has a plain address"
    app.selectbox(key="filter_preset").set_value("90d").run()
    app.multiselect(key="filter_entities").set_value(["show:heartstopper"]).run()
    app.toggle(key="filter_copies").set_value(True).run()
    assert app.query_params == {
        "period": "90d",
        "entities": "show:heartstopper",
        "copies": "1",
    }
    first, last = app.date_input(key="filter_period").value
    app.date_input(key="filter_period").set_value((first, first + timedelta(days=2))).run()
    assert app.selectbox(key="filter_preset").value == "custom"
    assert app.query_params["period"] == f"{first}..{first + timedelta(days=2)}"
    # The custom days come back from the address, to the same figure.
    again = open_link(shared, monkeypatch, **app.query_params)
    assert again.date_input(key="filter_period").value == (first, first + timedelta(days=2))
    assert shown_mentions(again) == shown_mentions(app)


def test_a_broken_address_falls_back_to_defaults_with_a_note(
    shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_link(
        shared,
        monkeypatch,
        period="fortnight",
        entities="show:heartstopper,show:no-such-show",
        sources="<script>",
        compare="maybe",
    )
    notes = " ".join(w.value for w in app.sidebar.warning)
    for name in ("period", "entities", "sources", "compare"):
        assert f"The link's {name}=" in notes
    assert "show:no-such-show" in notes
    assert app.selectbox(key="filter_preset").value == "30d"
    assert app.multiselect(key="filter_entities").value == []
    assert app.toggle(key="filter_compare").value is True
    assert app.query_params == {}, "the address now names the view shown"
    first, last = app.date_input(key="filter_period").value
    assert (last - first).days == 29
    # A custom range outside the data, or backwards, is refused the same way.
    for period in ("2001-01-01..2001-01-05", "2026-12-05..2026-12-01", "yesterday..today"):
        app = open_link(shared, monkeypatch, period=period)
        assert any("The link's period=" in w.value for w in app.sidebar.warning), period
        assert app.selectbox(key="filter_preset").value == "30d"


def test_presets_count_back_from_the_newest_post(
    shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(shared)
    with connect(config.database_path, read_only=True) as con:
        newest = con.execute("SELECT max(created_at) FROM posts").fetchone()[0]
    app = open_link(shared, monkeypatch, period="24h")
    hours = last_hours(24, newest)
    assert app.sidebar.caption[0].value == hours.label()
    assert shown_mentions(app) == counted(shared, Filters(start=hours.start, end=hours.end))
    assert "vs the previous 24 hours" in next(m for m in app.metric if m.label == "Mentions").help

    app = open_link(shared, monkeypatch, period="premiere")
    premiere = (datetime.now(UTC) - timedelta(days=PREMIERE_DAYS_AGO)).date()
    assert app.date_input(key="filter_period").value == (premiere, newest.date())
    assert "since Heartstopper season 9" in app.sidebar.caption[0].value


def test_without_premieres_the_preset_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = sample_config(lambda s, **k: write_config(tmp_path, s, **k), tmp_path, events=False)
    build_sample_db(config, posts=500, days=40)
    app = open_link(config, monkeypatch, period="premiere")
    assert "No premiere is listed" in texts(app)
    first, last = app.date_input(key="filter_period").value
    assert (last - first).days == 29


def test_deltas_only_where_something_changed(shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_link(shared, monkeypatch)
    deltas = {m.label: m.proto.delta for m in app.metric}
    assert deltas["Top source"] == "", "a label has no direction"
    assert "of the period's posts" in texts(app)
    assert deltas["Mentions"], "the sample's volume differs from the period before"
    for text in ("+0%", "-0%", "+0.00", "-0.00", "+0.0 pts"):
        assert changed(text) is None, text
    for text in ("+3%", "-0.04", "+1.5 pts", "+10%"):
        assert changed(text) == text


def test_page_filters_live_in_the_address_too(
    shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_link(shared, monkeypatch, "explore", q="trailer", sentiment="positive", period="7d")
    assert app.text_input(key="explore_text").value == "trailer"
    assert app.multiselect(key="explore_labels").value == ["positive"]
    assert app.selectbox(key="filter_preset").value == "7d"
    table = app.dataframe[0].value
    assert len(table) > 0
    assert all(
        "trailer" in (f"{t} {x}").lower()
        for t, x in zip(table["title"], table["text"], strict=True)
    )
    assert set(table["sentiment_label"]) == {"positive"}
    assert app.query_params == {"q": "trailer", "sentiment": "positive", "period": "7d"}
    # Leaving the page leaves its filters behind; the sidebar's stay.
    app.switch_page("pages/overview.py")
    app.run()
    assert app.query_params == {"period": "7d"}
    bad = open_link(shared, monkeypatch, "explore", sentiment="ecstatic")
    assert any("sentiment='ecstatic'" in w.value for w in bad.warning)
    assert bad.multiselect(key="explore_labels").value == []


def test_presets_reaching_before_the_first_post_still_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = sample_config(lambda s, **k: write_config(tmp_path, s, **k), tmp_path)
    # Every post within the last few hours: the last 24 hours and the latest premiere (20
    # days ago) both start before the first post.
    build_sample_db(config, posts=300, days=0.1)
    for period in ("24h", "premiere", "90d"):
        app = open_link(config, monkeypatch, period=period)
        assert app.selectbox(key="filter_preset").value == period
        assert shown_mentions(app) > 0, period
