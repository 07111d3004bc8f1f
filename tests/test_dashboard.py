"""The dashboard page with Streamlit's AppTest: first run, failing sources, and real data."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.config import load_config
from collector.runner import collect_once
from tests.conftest import REPO
from tests.feedserver import FeedServer, Reply

APP = str(REPO / "dashboard" / "app.py")


def run_app(config: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("FANPULSE_CONFIG", str(config))
    app = AppTest.from_file(APP, default_timeout=30)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_empty_database_gets_a_first_run_page(
    make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = run_app(make_config([]), monkeypatch)
    assert "No data yet" in app.info[0].value
    assert "fanpulse collect --once" in app.info[0].value


def test_failing_sources_are_explained(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = feed_server.route("/down", Reply(status=503))
    config = make_config([{"kind": "rss", "name": "down", "url": url}])
    asyncio.run(collect_once(load_config(config)))
    app = run_app(config, monkeypatch)
    assert "No posts collected yet" in app.info[0].value
    table = app.dataframe[0].value
    assert list(table["source"]) == ["down"]
    assert "HTTP 503" in table["last error"][0]


def test_collected_posts_show_in_figures(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = feed_server.route("/news", Reply.file("feeds/rss2_news.xml"))
    config = make_config([{"kind": "rss", "name": "news", "url": url}])
    runs = asyncio.run(collect_once(load_config(config)))
    app = run_app(config, monkeypatch)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Posts stored"] == str(runs[0].inserted)
    assert metrics["Sources with posts"] == "1"
    entities = app.dataframe[0].value
    assert "Heartstopper" in list(entities["entity"])
