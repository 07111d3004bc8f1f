"""Wikipedia page views into `attention`: backfill on first run, then only the new days."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.store import run_query
from collector.once import collect_once
from collector.sources.base import SourceError
from collector.sources.wikipedia import parse_pageviews
from tests.support.feedserver import FIXTURES, FeedServer, Reply

PAGEVIEWS = FIXTURES / "wikipedia" / "pageviews_heartstopper.json"
ARTICLE = "Heartstopper_%28TV_series%29"  # as the client sends it: percent-encoded
ARTICLE_PATH = f"/metrics/pageviews/per-article/en.wikipedia/all-access/user/{ARTICLE}/daily/"


def test_pageviews_parse_into_daily_rows() -> None:
    rows = parse_pageviews(
        json.loads(PAGEVIEWS.read_text()), entity_id="show:heartstopper", source_name="w"
    )
    assert [r.day for r in rows][:2] == [date(2026, 11, 18), date(2026, 11, 19)]
    assert [r.value for r in rows][4] == 15230.0
    assert {r.metric for r in rows} == {"wikipedia_pageviews"}


def test_a_non_pageviews_answer_is_an_error() -> None:
    with pytest.raises(SourceError, match="no 'items'"):
        parse_pageviews({"detail": "x"}, entity_id="show:heartstopper", source_name="w")


def pageviews_for(days: list[date], views: int) -> bytes:
    items = [
        {"project": "en.wikipedia", "article": "Heartstopper_(TV_series)", "granularity": "daily",
         "timestamp": f"{d:%Y%m%d}00", "access": "all-access", "agent": "user", "views": views}
        for d in days
    ]  # fmt: skip
    return json.dumps({"items": items}).encode()


def test_backfills_then_asks_only_for_new_days(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    first_days = [yesterday - timedelta(days=i) for i in range(6, -1, -1)]
    # The first answer covers the backfill; the route path ends with the date span.
    feed_server.route(
        ARTICLE_PATH + f"{first_days[0]:%Y%m%d}/{yesterday:%Y%m%d}",
        Reply(body=pageviews_for(first_days, 100), content_type="application/json"),
    )
    config = make_config(
        [{"kind": "wikipedia", "name": "wiki", "base_url": feed_server.base_url, "backfill_days": 7,
          "articles": {"show:heartstopper": "Heartstopper (TV series)"}}]
    )  # fmt: skip
    first = asyncio.run(collect_once(load_config(config)))[0]
    assert first.status == "ok", first.error
    assert (first.fetched, first.inserted) == (7, 7)
    db = load_config(config).database_path
    assert run_query(db, "SELECT count(*), sum(value) FROM attention")[1] == [(7, 700.0)]
    assert run_query(db, "SELECT cursor FROM source_state")[1] == [(f"{yesterday:%Y-%m-%d}",)]

    # Same day again: nothing is due, no request is made.
    second = asyncio.run(collect_once(load_config(config)))[0]
    assert second.status == "not_modified"
    assert len(feed_server.requests) == 1
    assert feed_server.requests[0].headers["User-Agent"]


def test_unknown_article_is_a_clear_error(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    config = make_config([{"kind": "wikipedia", "name": "wiki", "base_url": feed_server.base_url}])
    config.write_text(config.read_text() + 'articles = { "person:kit-connor" = "Kit Conor" }\n')
    run = asyncio.run(collect_once(load_config(config)))[0]
    assert run.status == "error"
    assert "no page views for en.wikipedia article 'Kit_Conor'" in (run.error or "")


def test_articles_must_name_watchlist_entities(make_config: Callable[..., Path]) -> None:
    from analytics.core.errors import ConfigError
    from collector.sources import build_sources

    config = make_config(
        [{"kind": "wikipedia", "name": "wiki", "articles": {"person:kit-conor": "Kit Connor"}}]
    )
    with pytest.raises(ConfigError, match="'person:kit-conor' is not in the watchlist"):
        build_sources(load_config(config))
