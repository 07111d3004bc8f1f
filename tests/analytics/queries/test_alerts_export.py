"""Alerts reach a loopback webhook once each; exports write what the filters select."""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from analytics.core.config import load_config
from analytics.core.filters import Filters
from analytics.queries.alerts import health_alerts, spike_alert
from analytics.queries.export import ExportError, export
from analytics.queries.health import SourceHealth
from analytics.store import connect, prepare_database, run_query, save_batches, transaction
from analytics.store.alerts import record_new
from collector.alerts import deliver, webhook_key
from tests.analytics.store.test_store import ENTITIES, batch, scored
from tests.support.feedserver import FeedServer, Reply

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@dataclass
class FakeSpike:
    entity_id: str = "show:heartstopper"
    name: str = "Heartstopper"
    bucket: datetime = datetime(2026, 11, 23, tzinfo=UTC)
    posts: int = 120
    baseline: float = 20.0
    z: float = 9.5
    top_terms: list[str] = field(default_factory=lambda: ["trailer", "#heartstopperforever"])
    top_posts: list[object] = field(default_factory=list)


def silent_source() -> SourceHealth:
    return SourceHealth(
        name="pinknews",
        kind="rss",
        status="silent",
        detail="nothing new for 40 h (usually every 3 h)",
        channels=1,
        failing_channels=0,
        last_success_at=NOW,
        last_error=None,
        new_last_24h=0,
        usual_daily=12,
        last_new_at=NOW - timedelta(hours=40),
        next_due_at=NOW + timedelta(minutes=30),
    )


def test_a_spike_alert_explains_itself() -> None:
    alert = spike_alert(FakeSpike())
    assert alert.alert_id == "spike:show:heartstopper:2026-11-23T00:00:00+00:00"
    assert "Heartstopper" in alert.title
    assert "120 posts vs a usual 20" in alert.message
    assert "trailer, #heartstopperforever" in alert.message


def test_each_alert_is_recorded_once(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    prepare_database(db, ENTITIES)
    alerts = [spike_alert(FakeSpike()), *health_alerts([silent_source()])]
    with connect(db) as con, transaction(con):
        first = record_new(con, alerts, NOW)
    with connect(db) as con, transaction(con):
        again = record_new(con, alerts + [spike_alert(FakeSpike(posts=130))], NOW)
    assert [a.kind for a in first] == ["spike", "silent"]
    assert again == []  # the same spike found again (even with more posts) is not news
    assert run_query(db, "SELECT count(*) FROM alerts")[1] == [(2,)]


def webhook_config(make_config: Callable[..., Path], tmp_path: Path):
    config = load_config(make_config([]))
    prepare_database(config.database_path, ENTITIES)
    return config


def test_alerts_reach_each_webhook_once_even_after_a_failure(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = feed_server.route("/hooks/slack", Reply(status=200, body=b"ok"))
    flaky = feed_server.route("/hooks/discord", Reply(status=503, body=b"down"), Reply(status=204))
    monkeypatch.setenv("FANPULSE_WEBHOOKS", f"{good}, {flaky}")
    config = webhook_config(make_config, tmp_path)
    with connect(config.database_path) as con, transaction(con):
        record_new(con, [spike_alert(FakeSpike()), *health_alerts([silent_source()])], NOW)

    async def three_checks() -> list[tuple[int, int]]:
        async with httpx.AsyncClient() as client:
            return [await deliver(config, client) for _ in range(3)]

    # The Discord hook refuses its first message only: alert 1 waits for the next check.
    assert asyncio.run(three_checks()) == [(1, 1), (1, 0), (0, 0)]
    slack = feed_server.hits("/hooks/slack")
    discord = feed_server.hits("/hooks/discord")
    assert len(slack) == 2  # one per alert, never repeated after the other hook failed
    assert len(discord) == 3  # alert 1 refused then delivered, alert 2 delivered
    messages = [json.loads(hit.body) for hit in slack]
    # Slack reads text, Discord content, other receivers the alert object: one headline.
    assert all(
        m["alert"]["title"] == m["text"].split("\n")[0] == m["content"].split("\n")[0]
        for m in messages
    )
    assert sorted(m["text"].split("\n")[0] for m in messages) == [
        "📈 Spike in mentions of Heartstopper (2026-11-23 00:00 UTC)",
        "🔇 Source pinknews has gone silent",
    ]
    rows = run_query(
        config.database_path,
        "SELECT delivered_at IS NOT NULL, delivery_attempts, undelivered_to FROM alerts",
    )[1]
    assert sorted(rows) == [(True, 1, None), (True, 2, None)]
    stored = run_query(config.database_path, "SELECT * FROM alerts")[1]
    assert good not in repr(stored) and webhook_key(good) not in repr(stored)


def test_exports_posts_with_entities_filtered_by_entity_and_date(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    prepare_database(db, ENTITIES)
    posts = scored(6)
    for post in posts[::2]:  # posts 0, 2, 4 mention only the show
        post.mentions = post.mentions[:1]
    save_batches(db, [batch(posts)])
    newest = max(p.post.created_at for p in posts)
    with connect(db, read_only=True) as con:
        everything = export(con, tmp_path / "all.parquet")
        only = export(
            con,
            tmp_path / "some.csv",
            filters=Filters(entity_ids=("person:kit-connor",), start=newest - timedelta(hours=3.5)),
        )
        with pytest.raises(ExportError, match="no table or view named 'nope; DROP TABLE posts'"):
            export(con, tmp_path / "x.csv", what="nope; DROP TABLE posts")
        view = export(con, tmp_path / "daily.csv", what="daily_mentions")
    table = pq.read_table(tmp_path / "all.parquet")
    assert everything.rows == table.num_rows == 6
    assert table.column("entities").type.value_type == "string"
    with (tmp_path / "some.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == only.rows == 2  # posts 1 and 3: Kit Connor, within 3.5 h
    assert {row["post_id"] for row in rows} == {"rss:item-1", "rss:item-3"}
    assert rows[0]["entities"] == "person:kit-connor;show:heartstopper"
    assert view.rows > 0
    assert not list(tmp_path.glob(".*.tmp"))
