"""`fanpulse spikes` and `fanpulse events compare`, run as a user runs them, on a real file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from analytics.core.config import load_config
from analytics.queries.timeseries import truncate
from analytics.store import prepare_database
from tests.analytics.queries.test_spike_alerts import Corpus, spread
from tests.e2e.test_cli import fanpulse

SHOW, KIT = "show:heartstopper", "person:kit-connor"


def database(make_config: Callable[..., Path], extra: str = "") -> tuple[Path, Corpus]:
    path = make_config([], extra=extra)
    config = load_config(path)
    prepare_database(config.database_path, config.watchlist.entities())
    return path, Corpus(config.database_path)


def test_spikes_by_the_hour_in_the_last_3_hours(make_config: Callable[..., Path]) -> None:
    config, corpus = database(make_config)
    trailer = truncate(datetime.now(UTC), "hour") - timedelta(hours=1)
    hour, ordinary = trailer - timedelta(days=15), []
    while hour < trailer:
        ordinary += spread(hour, 2, 0, 1)
        hour += timedelta(hours=1)
    corpus.add(SHOW, ordinary)
    corpus.add(SHOW, spread(trailer, 60, 0, 1), topic="trailer")
    corpus.add(KIT, spread(trailer, 30, 0, 1), topic="trailer")

    table = fanpulse(config, "spikes", "--hours", "3")
    as_json = fanpulse(config, "spikes", "--hours", "3", "--json")
    as_csv = fanpulse(config, "spikes", "--hours", "3", "--csv")

    assert table.returncode == 0, table.stderr
    assert "Spikes by the hour" in table.stdout
    assert f"{trailer:%Y-%m-%d %H:%M}" in table.stdout
    assert "Kit Connor" in table.stdout and "same hour of the previous 14 days" in table.stdout
    found = json.loads(as_json.stdout)
    assert found["bucket"] == "hour"
    assert [(s["entity_id"], s["group"], s["posts"], s["usual"]) for s in found["spikes"]] == [
        (SHOW, "Heartstopper", 60, 2.0),
        (KIT, "Heartstopper", 30, 0.0),
    ]
    assert all(s["bucket"] == trailer.isoformat() for s in found["spikes"])
    assert found["spikes"][0]["top_post"].startswith("https://example.com/trailer/")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(r["entity_id"], r["posts"]) for r in rows] == [(SHOW, "60"), (KIT, "30")]
    # Both options at once is a clear one-line error.
    both = fanpulse(config, "spikes", "--csv", "--json")
    assert both.returncode == 2 and "choose one of --csv and --json" in both.stderr


EVENTS = """
[[events]]
id = "hs-s9"
name = "Heartstopper season 9"
date = 2025-03-10
kind = "premiere"
entities = ["show:heartstopper"]

[[events]]
id = "kit-trailer"
name = "Kit Connor trailer"
date = 2025-02-01
kind = "trailer"
entities = ["person:kit-connor"]
"""


def test_events_compare_prints_lift_and_day_n_per_event(
    make_config: Callable[..., Path], tmp_path: Path
) -> None:
    events = tmp_path / "events.toml"
    events.write_text(EVENTS, encoding="utf-8")
    config, corpus = database(make_config, f"events = {json.dumps(str(events))}")
    premiere = datetime(2025, 3, 10, tzinfo=UTC)
    for day, count in {-3: 2, -2: 2, -1: 2, 0: 10, 1: 6, 2: 3, 3: 50}.items():
        corpus.add(SHOW, spread(premiere + timedelta(days=day), count))
    corpus.add(KIT, spread(datetime(2025, 2, 1, tzinfo=UTC), 5))

    table = fanpulse(config, "events", "compare", "--days", "3")
    as_json = fanpulse(config, "events", "compare", "--days", "3", "--json")
    as_csv = fanpulse(config, "events", "compare", "--days", "3", "--csv")
    only = fanpulse(config, "events", "compare", "--days", "3", "--kind", "trailer", "--json")

    assert table.returncode == 0, table.stderr
    assert "+217%" in table.stdout  # 19 posts in days 0-2 against 6 in the 3 days before
    assert "Heartstopper season 9" in table.stdout and "Posts on day N" in table.stdout
    found = {e["event_id"]: e for e in json.loads(as_json.stdout)["events"]}
    premiere_row, trailer_row = found["hs-s9"], found["kit-trailer"]
    assert (premiere_row["posts_before"], premiere_row["posts_after"]) == (6, 19)
    assert premiere_row["posts_lift_pct"] == round(13 / 6 * 100, 3)
    assert premiere_row["day_posts"] == [10, 6, 3]
    assert premiere_row["complete"] is True
    assert (trailer_row["posts_before"], trailer_row["posts_after"]) == (0, 5)
    assert trailer_row["posts_lift_pct"] is None and trailer_row["day_posts"] is None
    rows = {r["event_id"]: r for r in csv.DictReader(io.StringIO(as_csv.stdout))}
    assert [rows["hs-s9"][f"day_{n}"] for n in range(3)] == ["10", "6", "3"]
    assert rows["kit-trailer"]["day_0"] == "" and rows["kit-trailer"]["date"] == "2025-02-01"
    assert [e["event_id"] for e in json.loads(only.stdout)["events"]] == ["kit-trailer"]
    missing = fanpulse(config, "events", "compare", "--event", "nope")
    assert missing.returncode == 2 and "no event nope" in missing.stderr
    assert date(2025, 3, 10).isoformat() in table.stdout
