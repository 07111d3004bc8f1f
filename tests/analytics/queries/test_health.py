"""Source health: failing, silent ("silent zero"), stalled, and `fanpulse status`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from analytics.core.config import load_config
from analytics.core.models import RunBatch, RunRecord, SourceSpec, SourceState
from analytics.queries.health import source_health
from analytics.store import connect, prepare_database, upsert_states
from collector.spool import Spool
from tests.e2e.test_cli import fanpulse

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def run(name: str, at: datetime, inserted: int, status: str = "ok") -> RunBatch:
    record = RunRecord(
        source_name=name,
        source="rss",
        channel=f"https://example.org/{name}",
        started_at=at - timedelta(seconds=2),
        finished_at=at,
        status=status,
        fetched=inserted,
        off_topic=0,
        error="HTTP 503 from example.org" if status == "error" else None,
    )
    return RunBatch(run=record, posts=[], states=[])


def daily(name: str, channels: int, days: int, hours_since_last: int) -> list[RunBatch]:
    """A source whose channels (e.g. Wikipedia articles) all get one new item a day,
    together; the last time ``hours_since_last`` ago."""
    batches = []
    for day in range(days):
        for channel in range(channels):
            at = NOW - timedelta(hours=hours_since_last + 24 * day, seconds=channel)
            batch = run(name, at, 1)
            batch.run.channel = f"https://example.org/{name}/{channel}"
            batches.append(batch)
    return batches


def state(name: str, failures: int, next_due: datetime, last_success: datetime) -> SourceState:
    return SourceState(
        source_name=name,
        channel=f"https://example.org/{name}",
        source="rss",
        next_due_at=next_due,
        consecutive_failures=failures,
        last_error="HTTP 503 from example.org" if failures else None,
        last_attempt_at=NOW - HOUR,
        last_success_at=last_success,
    )


def history(name: str, hours: int, every: int, quiet_for: int = 0) -> list[RunBatch]:
    """Hourly runs for ``hours``; every ``every``-th brings 3 new posts, none in the last
    ``quiet_for`` hours."""
    batches = []
    for h in range(hours, 0, -1):
        productive = h % every == 0 and h > quiet_for
        batches.append(run(name, NOW - h * HOUR, 3 if productive else 0))
    return batches


def store_history(db: Path, batches: list[RunBatch], states: list[SourceState]) -> None:
    prepare_database(db, [])
    runs = [b.run for b in batches]
    table = pa.table(
        {
            "source_name": [r.source_name for r in runs],
            "source": [r.source for r in runs],
            "channel": [r.channel for r in runs],
            "started_at": pa.array([r.started_at for r in runs], pa.timestamp("us", tz="UTC")),
            "finished_at": pa.array([r.finished_at for r in runs], pa.timestamp("us", tz="UTC")),
            "status": [r.status for r in runs],
            "fetched": [r.fetched for r in runs],
            # What each run brought: ``fetched`` doubles as the new-post count here.
            "inserted": [r.fetched for r in runs],
            "off_topic": [0 for _ in runs],
        }
    )
    with connect(db) as con:
        con.register("incoming_runs", table)
        con.execute(
            "INSERT INTO collection_runs (source_name, source, channel, started_at, finished_at,"
            " status, fetched, inserted, off_topic) SELECT * FROM incoming_runs"
        )
        for s in states:
            upsert_states(con, [s])


@pytest.fixture
def judged(tmp_path: Path) -> dict[str, object]:
    db = tmp_path / "h.duckdb"
    batches = (
        history("steady", 24 * 10, every=2)
        + history("quiet", 24 * 10, every=2, quiet_for=30)
        + history("sparse", 24 * 10, every=20, quiet_for=30)
        + history("down", 24 * 3, every=2)
        + daily("daily", channels=12, days=10, hours_since_last=20)
    )
    states = [
        state("steady", 0, NOW + HOUR, NOW - HOUR),
        state("quiet", 0, NOW + HOUR, NOW - HOUR),
        state("sparse", 0, NOW + HOUR, NOW - HOUR),
        state("down", 5, NOW + 4 * HOUR, NOW - 30 * HOUR),
        state("blip", 1, NOW + 2 * HOUR, NOW - 2 * HOUR),
        state("stopped", 0, NOW - 6 * HOUR, NOW - 7 * HOUR),
        state("daily", 0, NOW + HOUR, NOW - HOUR),
    ]
    store_history(db, batches, states)
    names = ["steady", "quiet", "sparse", "down", "blip", "stopped", "new", "daily"]
    specs = [SourceSpec(n, "rss", HOUR) for n in names]
    with connect(db, read_only=True) as con:
        return {h.name: h for h in source_health(con, specs, NOW)}


def test_each_source_gets_the_status_its_history_shows(judged: dict[str, object]) -> None:
    statuses = {name: h.status for name, h in judged.items()}  # type: ignore[attr-defined]
    assert statuses == {
        "steady": "ok",
        "quiet": "silent",  # new posts every 2 h for days, then nothing for 30 h
        "sparse": "ok",  # a source that is usually quiet for 20 h is not silent after 30 h
        "down": "failing",
        "blip": "retrying",
        "stopped": "stalled",  # due 6 h ago with a 1 h interval
        "new": "pending",
        "daily": "ok",  # twelve channels new once a day: 20 h without news is usual
    }


def test_volume_is_compared_with_the_sources_usual_day(judged: dict[str, object]) -> None:
    steady = judged["steady"]
    assert steady.new_last_24h == 36  # type: ignore[attr-defined]  # 12 productive runs × 3
    assert steady.usual_daily == 36  # type: ignore[attr-defined]
    assert judged["quiet"].new_last_24h == 0  # type: ignore[attr-defined]
    assert "nothing new for 32 h (usually every 2 h)" in judged["quiet"].detail  # type: ignore[attr-defined]
    assert judged["down"].last_error == "HTTP 503 from example.org"  # type: ignore[attr-defined]
    assert "1/1 channels failing" in judged["down"].detail  # type: ignore[attr-defined]


def test_status_command_exits_1_and_names_the_unhealthy_source(
    make_config: Callable[..., Path],
) -> None:
    config_path = make_config(
        [
            {"kind": "rss", "name": "good", "url": "http://127.0.0.1:9/good", "interval": "1h"},
            {"kind": "rss", "name": "bad", "url": "http://127.0.0.1:9/bad", "interval": "1h"},
        ]
    )
    config = load_config(config_path)
    now = datetime.now(UTC)
    good = SourceState(
        "good",
        "http://127.0.0.1:9/good",
        "rss",
        next_due_at=now + HOUR,
        last_success_at=now - HOUR,
        last_attempt_at=now - HOUR,
    )
    bad = SourceState(
        "bad",
        "http://127.0.0.1:9/bad",
        "rss",
        next_due_at=now + HOUR,
        consecutive_failures=4,
        last_error="cannot connect to 127.0.0.1",
        last_attempt_at=now - HOUR,
    )
    prepare_database(config.database_path, config.watchlist.entities())
    with connect(config.database_path) as con:
        upsert_states(con, [good])
        upsert_states(con, [bad])
    result = fanpulse(config_path, "status")
    assert result.returncode == 1, result.stderr
    assert "failing" in result.stdout and "cannot connect to 127.0.0.1" in result.stdout
    assert "Unhealthy: bad" in result.stdout
    as_json = fanpulse(config_path, "status", "--json")
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["healthy"] is False
    assert {s["name"]: s["status"] for s in report["sources"]} == {"good": "ok", "bad": "failing"}


def test_status_on_a_missing_database_says_what_to_do(make_config: Callable[..., Path]) -> None:
    config_path = make_config([{"kind": "rss", "name": "a", "url": "http://127.0.0.1:9/a"}])
    result = fanpulse(config_path, "status")
    assert result.returncode == 2
    assert "does not exist yet" in result.stderr


def test_stalled_means_more_than_twice_the_interval_past_due_counting_spooled_states(
    make_config: Callable[..., Path],
) -> None:
    sources = [
        {"kind": "rss", "name": name, "url": f"http://127.0.0.1:9/{name}", "interval": "1h"}
        for name in ("late", "very-late", "spooled")
    ]
    config_path = make_config(sources)
    config = load_config(config_path)
    now = datetime.now(UTC)

    def due(name: str, when: datetime) -> SourceState:
        return SourceState(
            name, f"http://127.0.0.1:9/{name}", "rss", next_due_at=when, last_success_at=now
        )

    prepare_database(config.database_path, config.watchlist.entities())
    with connect(config.database_path) as con:
        upsert_states(con, [due("late", now - 110 * timedelta(minutes=1))])  # < 2 intervals
        upsert_states(con, [due("very-late", now - 130 * timedelta(minutes=1))])  # > 2 intervals
        upsert_states(con, [due("spooled", now - 5 * HOUR)])
    # The spool holds a newer state for "spooled": its batch waits there, it is not stalled.
    batch = run("spooled", now, 0)
    batch.states.append(due("spooled", now + HOUR))
    Spool(config.database.spool).put(batch)

    result = fanpulse(config_path, "status", "--json")
    assert result.returncode == 1, result.stderr
    statuses = {s["name"]: s["status"] for s in json.loads(result.stdout)["sources"]}
    assert statuses == {"late": "ok", "very-late": "stalled", "spooled": "ok"}
    table = fanpulse(config_path, "status")
    assert "stalled" in table.stdout and "Unhealthy: very-late" in table.stdout
