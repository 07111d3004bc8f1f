"""The alerts table: each alert stored once with what it said, and each delivery attempt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from analytics.queries.alerts import (
    Alert,
    AlertLink,
    known_spike_alerts,
    recent_alerts,
    undelivered,
)
from analytics.store import connect, prepare_database, transaction
from analytics.store.alerts import mark_delivery, record_new, set_members
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


def test_a_version_10_file_keeps_its_spike_alerts_as_one_entity_daily_alerts(
    tmp_path: Path,
) -> None:
    from analytics.store.schema import migrate

    db = tmp_path / "old.duckdb"
    with connect(db) as con:
        migrate(con, upto=10)
        con.execute(
            "INSERT INTO alerts (alert_id, kind, entity_id, happened_at, detected_at, title, "
            "message) VALUES ('spike:person:kit-connor:d', 'spike', 'person:kit-connor', ?, ?, "
            "'Spike', '60 posts'), ('silent:feed:t', 'silent', NULL, ?, ?, 'Silent', 'quiet')",
            [NOW, NOW, NOW, NOW],
        )
    prepare_database(db, ENTITIES)
    with connect(db, read_only=True) as con:
        rows = con.execute(
            "SELECT alert_id, entity_ids, bucket, links FROM alerts ORDER BY alert_id"
        ).fetchall()
        known = known_spike_alerts(con, NOW - timedelta(days=1))
    assert rows == [
        ("silent:feed:t", None, None, None),
        ("spike:person:kit-connor:d", ["person:kit-connor"], "day", None),
    ]
    assert [(k.key, k.members, k.step) for k in known] == [
        ("person:kit-connor", ["person:kit-connor"], timedelta(days=1))
    ]


def test_late_joiners_are_stored_with_the_alert_and_links_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    link = AlertLink("Trailer <out now>", "https://example.com/t?a=1&b=2")
    spike = Alert(
        "spike:show:hs:d", "spike", NOW, "Spike", "120 posts", "show:hs", None,
        ("show:hs", "person:a"), "hour", (link,),
    )  # fmt: skip
    with connect(db) as con:
        record_new(con, [spike], NOW)
        set_members(con, "spike:show:hs:d", ["show:hs", "person:a", "person:b"])
        ((pending, _),) = undelivered(con)
        shown = recent_alerts(con)
    assert pending.entity_ids == ("show:hs", "person:a", "person:b")
    assert (pending.bucket, pending.links) == ("hour", (link,))
    assert shown[0][3] == "120 posts\n• Trailer <out now> <https://example.com/t?a=1&b=2>"
