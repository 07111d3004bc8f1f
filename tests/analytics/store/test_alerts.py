"""The alerts table: each alert stored once with what it said, and each delivery attempt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from analytics.queries.alerts import Alert, undelivered
from analytics.store import connect, prepare_database, transaction
from analytics.store.alerts import mark_delivery, record_new
from tests.analytics.store.test_store import ENTITIES

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def alert(alert_id: str, title: str) -> Alert:
    return Alert(
        alert_id, "spike", NOW - timedelta(days=1), title, "120 posts", entity_id="show:hs"
    )


def test_alerts_are_stored_once_with_what_they_said(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    with connect(db) as con, transaction(con):
        first = record_new(
            con, [alert("a", "old title"), alert("a", "Spike"), alert("b", "B")], NOW
        )
    with connect(db) as con, transaction(con):
        again = record_new(con, [alert("b", "B again"), alert("c", "C")], NOW + timedelta(hours=1))
    assert [(a.alert_id, a.title) for a in first] == [("a", "Spike"), ("b", "B")]
    assert [a.alert_id for a in again] == ["c"]
    with connect(db, read_only=True) as con:
        rows = con.execute(
            "SELECT alert_id, kind, entity_id, source_name, happened_at, detected_at, title, "
            "message FROM alerts ORDER BY alert_id"
        ).fetchall()
    day_before = NOW - timedelta(days=1)
    assert rows == [
        ("a", "spike", "show:hs", None, day_before, NOW, "Spike", "120 posts"),
        ("b", "spike", "show:hs", None, day_before, NOW, "B", "120 posts"),
        ("c", "spike", "show:hs", None, day_before, NOW + timedelta(hours=1), "C", "120 posts"),
    ]


def test_a_failed_delivery_is_owed_to_the_failing_webhooks_only(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    with connect(db) as con:
        record_new(con, [alert("a", "Spike")], NOW)
        mark_delivery(con, "a", ["discord"], "HTTP 500", NOW)
        owed = undelivered(con)
        mark_delivery(con, "a", [], None, NOW + timedelta(minutes=5))
        still_owed = undelivered(con)
        row = con.execute(
            "SELECT delivery_attempts, delivered_at, delivery_error, undelivered_to FROM alerts"
        ).fetchone()
    assert [(a.alert_id, keys) for a, keys in owed] == [("a", ["discord"])]
    assert still_owed == []
    assert row == (2, NOW + timedelta(minutes=5), None, None)
