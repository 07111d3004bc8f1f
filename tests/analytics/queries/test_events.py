"""Events: the file format and its errors, event lift and day-N curves on known corpora."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from analytics.core.errors import ConfigError
from analytics.core.events import Event, load_events
from analytics.core.filters import Filters
from analytics.core.models import Entity
from analytics.core.watchlist import load_watchlist
from analytics.queries.events import days_since_release, event_lift, event_lifts
from analytics.store import connect, prepare_database
from tests.conftest import REPO

ENTITIES = [
    Entity("show:alpha", "show", "Alpha", None),
    Entity("person:alpha-lead", "person", "Alpha Lead", "alpha"),
    Entity("show:beta", "show", "Beta", None),
]


def add_posts(
    con: duckdb.DuckDBPyConnection,
    prefix: str,
    count: int,
    first: datetime,
    step: timedelta,
    entity_ids: list[str],
    *,
    sentiment: float = 0.0,
    source: str = "rss",
) -> None:
    """``count`` posts from ``first`` every ``step``, each mentioning all ``entity_ids``."""
    label = "positive" if sentiment >= 0.05 else "negative" if sentiment <= -0.05 else "neutral"
    con.execute(
        """
        INSERT INTO posts (post_id, source, source_name, channel, author, text, lang,
                           created_at, collected_at, vader_compound, sentiment,
                           sentiment_label, sentiment_version, content_hash, post_kind)
        SELECT ? || range, ?, ? || '-test', 'channel', 'author', 'text', 'en',
               CAST(? AS TIMESTAMPTZ) + range * CAST(? AS INTERVAL), now(), ?, ?,
               ?, 'test', md5(? || range), 'post'
        FROM range(?)
        """,
        [prefix, source, source, first, step, sentiment, sentiment, label, prefix, count],
    )
    for entity_id in entity_ids:
        con.execute(
            "INSERT INTO mentions SELECT ? || range, ?, 'test' FROM range(?)",
            [prefix, entity_id, count],
        )


def at(day: date, hours: float = 0) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hours)


def event(event_id: str, day: date, *entities: str, kind: str = "premiere") -> Event:
    return Event(id=event_id, name=event_id.title(), date=day, kind=kind, entities=entities)


# ---------------------------------------------------------------- event lift

EVENT_DAY = date(2024, 5, 10)
LAUNCH = event("alpha-launch", EVENT_DAY, "show:alpha", "person:alpha-lead")


@pytest.fixture
def lift_db(tmp_path: Path) -> Path:
    path = tmp_path / "lift.duckdb"
    prepare_database(path, ENTITIES)
    start = at(EVENT_DAY)
    hour = timedelta(hours=1)
    with connect(path) as con:
        # Before: 5 posts at sentiment 0.2, the first exactly at the window's start.
        add_posts(
            con,
            "before:",
            5,
            start - timedelta(days=7),
            timedelta(days=1),
            ["show:alpha"],
            sentiment=0.2,
        )
        # After: 10 posts at 0.5, the first exactly at midnight of the event day; 4 of them
        # mention both of the event's entities and must still count once.
        add_posts(con, "after-a:", 6, start, timedelta(hours=20), ["show:alpha"], sentiment=0.5)
        add_posts(
            con,
            "after-b:",
            4,
            start + 3 * hour,
            timedelta(days=1),
            ["show:alpha", "person:alpha-lead"],
            sentiment=0.5,
        )
        # Outside both windows, or about another show: never counted.
        add_posts(
            con,
            "too-early:",
            1,
            start - timedelta(days=7, microseconds=1),
            hour,
            ["show:alpha"],
            sentiment=-1.0,
        )
        add_posts(
            con, "too-late:", 1, start + timedelta(days=7), hour, ["show:alpha"], sentiment=-1.0
        )
        add_posts(con, "beta:", 30, start, hour, ["show:beta"], sentiment=-1.0)
        # A Reddit post after the event: counted unless the filters keep only feeds.
        add_posts(
            con, "reddit:", 1, start + hour, hour, ["show:alpha"], sentiment=0.5, source="reddit"
        )
    return path


def test_event_lift_doubles(lift_db: Path) -> None:
    only_feeds = Filters(sources=("rss",))
    with connect(lift_db, read_only=True) as con:
        lift = event_lift(con, LAUNCH, days=7, filters=only_feeds)
    assert (lift.posts_before, lift.posts_after) == (5, 10)
    assert lift.posts_lift == 5
    assert lift.posts_lift_pct == pytest.approx(100.0)
    assert lift.sentiment_before == pytest.approx(0.2)
    assert lift.sentiment_after == pytest.approx(0.5)
    assert lift.sentiment_lift == pytest.approx(0.3)
    assert lift.sentiment_lift_pct == pytest.approx(150.0)
    assert lift.event_start == at(EVENT_DAY)
    assert lift.before_start == at(EVENT_DAY) - timedelta(days=7)
    assert lift.complete


def test_event_lift_uses_source_filters_but_not_the_page_period(lift_db: Path) -> None:
    unrelated = Filters(
        start=datetime(2020, 1, 1, tzinfo=UTC),
        end=datetime(2020, 2, 1, tzinfo=UTC),
        entity_ids=("show:beta",),
    )
    with connect(lift_db, read_only=True) as con:
        everything = event_lift(con, LAUNCH, days=7, filters=unrelated)
        only_reddit = event_lift(con, LAUNCH, filters=Filters(sources=("reddit",)))
        one_day = event_lift(con, LAUNCH, days=1, filters=Filters(sources=("rss",)))
    assert (everything.posts_before, everything.posts_after) == (5, 11)
    assert (only_reddit.posts_before, only_reddit.posts_after) == (0, 1)
    assert only_reddit.posts_lift_pct is None  # nothing before: no base to compare with
    assert only_reddit.sentiment_lift is None
    # One day each side: the "before" posts are 7..3 days out; after-a at 00:00 and 20:00
    # and after-b at 03:00 fall on the event day.
    assert (one_day.posts_before, one_day.posts_after) == (0, 3)


def test_incomplete_window_and_several_events(lift_db: Path) -> None:
    with connect(lift_db, read_only=True) as con:
        early = event_lift(con, LAUNCH, now=at(EVENT_DAY, 30))
        table = event_lifts(con, [LAUNCH, event("beta-launch", EVENT_DAY, "show:beta")])
    assert not early.complete
    assert list(table["event_id"]) == ["alpha-launch", "beta-launch"]
    assert list(table["posts_after"]) == [11, 30]
    assert math.isnan(table["posts_lift_pct"][1])


def test_overlapping_events_each_count_their_own_windows(lift_db: Path) -> None:
    encore = event("alpha-encore", EVENT_DAY + timedelta(days=3), "show:alpha")
    with connect(lift_db, read_only=True) as con:
        table = event_lifts(con, [encore, LAUNCH], filters=Filters(sources=("rss",)))
    # Encore windows: [D-4, D+3) holds before 2 (days -4, -3), after-a 4 (0, 20, 40, 60 h)
    # and after-b 3 (3, 27, 51 h); [D+3, D+10) holds after-a 2, after-b 1 and too-late 1.
    assert list(table["event_id"]) == ["alpha-encore", "alpha-launch"]
    assert list(table["posts_before"]) == [9, 5]
    assert list(table["posts_after"]) == [4, 10]
    with duckdb.connect() as memory, pytest.raises(ValueError, match="at least 1"):
        event_lift(memory, LAUNCH, days=0)


# ---------------------------------------------------------------- days since release

S1 = event("alpha-s1", date(2023, 3, 1), "show:alpha")
S2 = event("alpha-s2", date(2024, 3, 1), "show:alpha", "person:alpha-lead")
TEASER = event("alpha-teaser", date(2024, 2, 1), "show:alpha", kind="trailer")


@pytest.fixture
def seasons_db(tmp_path: Path) -> Path:
    path = tmp_path / "seasons.duckdb"
    prepare_database(path, ENTITIES)
    one_hour = timedelta(hours=1)
    with connect(path) as con:
        add_posts(con, "s1-d0:", 5, at(S1.date), one_hour, ["show:alpha"], sentiment=0.4)
        add_posts(con, "s1-d2:", 3, at(S1.date, 48), one_hour, ["show:alpha"], sentiment=-0.2)
        add_posts(con, "s1-run-up:", 2, at(S1.date, -1), timedelta(minutes=1), ["show:alpha"])
        add_posts(con, "s2-d0:", 2, at(S2.date, 23), timedelta(minutes=30), ["show:alpha"])
        # Mentions both of S2's entities: one post each, not two.
        add_posts(con, "s2-d1:", 4, at(S2.date, 24), one_hour, ["show:alpha", "person:alpha-lead"])
        add_posts(con, "s2-d9:", 7, at(S2.date, 24 * 9), one_hour, ["show:alpha"])  # past max_day
        add_posts(con, "beta:", 9, at(S2.date), one_hour, ["show:beta"])
    return path


def test_day_curves_align_each_premiere(seasons_db: Path) -> None:
    with connect(seasons_db, read_only=True) as con:
        frame = days_since_release(con, [S2, TEASER, S1], max_day=3)
    curves = {key: group for key, group in frame.groupby("event_id")}
    assert set(curves) == {"alpha-s1", "alpha-s2"}  # the trailer is no premiere
    assert list(frame["event_id"].drop_duplicates()) == ["alpha-s1", "alpha-s2"]  # by date
    s1, s2 = curves["alpha-s1"], curves["alpha-s2"]
    assert list(s1["day"]) == [0, 1, 2, 3]
    assert list(s1["posts"]) == [5, 0, 3, 0]
    assert list(s1["cumulative_posts"]) == [5, 5, 8, 8]
    assert list(s2["day"]) == [0, 1, 2, 3]
    assert list(s2["posts"]) == [2, 4, 0, 0]
    assert s1["avg_sentiment"].iloc[0] == pytest.approx(0.4)
    assert s1["avg_sentiment"].iloc[2] == pytest.approx(-0.2)
    assert math.isnan(s1["avg_sentiment"].iloc[1])


def test_day_curves_run_up_recent_premiere_and_filters(seasons_db: Path) -> None:
    with connect(seasons_db, read_only=True) as con:
        run_up = days_since_release(con, [S1], max_day=0, from_day=-1)
        # "Now" is 1.5 days after S2: days 2 and 3 have not begun, so they are absent.
        recent = days_since_release(con, [S2], max_day=3, now=at(S2.date, 36))
        no_reddit = days_since_release(con, [S1], max_day=1, filters=Filters(sources=("reddit",)))
        nothing = days_since_release(con, [TEASER])
    assert list(run_up["day"]) == [-1, 0]
    assert list(run_up["posts"]) == [2, 5]
    assert list(recent["day"]) == [0, 1]
    assert list(no_reddit["posts"]) == [0, 0]
    assert nothing.empty


# ---------------------------------------------------------------- the file format

GOOD = """
[[events]]
id = "alpha-s1"
name = "Alpha season 1"
date = 2023-03-01
kind = "premiere"
entities = ["show:alpha"]

[[events]]
id = "alpha-trailer"
name = "Alpha trailer"
date = "2024-02-01"
kind = "trailer"
entities = ["show:alpha", "person:alpha-lead"]
note = "teaser"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "events.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_a_good_file(tmp_path: Path) -> None:
    events = load_events(write(tmp_path, GOOD), entity_ids={e.entity_id for e in ENTITIES})
    assert [e.id for e in events] == ["alpha-s1", "alpha-trailer"]
    assert events[0].date == date(2023, 3, 1)
    assert events[1].date == date(2024, 2, 1)
    assert events[1].entities == ("show:alpha", "person:alpha-lead")
    assert events[1].note == "teaser"
    assert events[0].starts_at == datetime(2023, 3, 1, tzinfo=UTC)


def _second_event(**changes: str) -> str:
    lines = {
        "id": '"alpha-s2"',
        "name": '"Alpha season 2"',
        "date": "2024-03-01",
        "kind": '"premiere"',
        "entities": '["show:alpha"]',
    }
    lines.update(changes)
    body = "\n".join(f"{key} = {value}" for key, value in lines.items() if value)
    return GOOD + "\n[[events]]\n" + body + "\n"


@pytest.mark.parametrize(
    ("changes", "key", "problem"),
    [
        ({"date": '"2024-13-01"'}, "events[2] (alpha-s2).date", "month"),
        ({"date": '"1 March 2024"'}, "events[2] (alpha-s2).date", "write YYYY-MM-DD"),
        ({"date": "2024-03-01T20:00:00Z"}, "events[2] (alpha-s2).date", "without a time"),
        ({"kind": '"season"'}, "events[2] (alpha-s2).kind", "'premiere'"),
        ({"entities": '["heartstopper"]'}, "events[2] (alpha-s2).entities", "not an entity id"),
        ({"entities": "[]"}, "events[2] (alpha-s2).entities", "at least 1"),
        ({"id": '"Alpha S2"'}, "events[2] (Alpha S2).id", "must be a slug"),
        ({"id": ""}, "events[2].id", "Field required"),
        ({"name": ""}, "events[2] (alpha-s2).name", "Field required"),
        ({"url": '"https://example.org"'}, "events[2] (alpha-s2).url", "unknown key"),
        ({"id": '"alpha-s1"'}, "events[2] (alpha-s1).id", "also used by events[0]"),
        ({"entities": '["show:gamma"]'}, "events[2] (alpha-s2).entities", "no entity 'show:gamma'"),
    ],
)
def test_mistakes_are_one_clear_line(
    tmp_path: Path, changes: dict[str, str], key: str, problem: str
) -> None:
    path = write(tmp_path, _second_event(**changes))
    with pytest.raises(ConfigError) as caught:
        load_events(path, entity_ids={e.entity_id for e in ENTITIES})
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {key}: "), message
    assert problem in message


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_events(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_events(write(tmp_path, "[[events]\nid = 1"))
    with pytest.raises(ConfigError, match=r"events\.toml: premieres: unknown key"):
        load_events(write(tmp_path, "[[premieres]]\nid = 'x'\n"))


def test_shipped_events_load_and_name_watchlist_entities() -> None:
    watchlist = load_watchlist(REPO / "config" / "watchlist.toml")
    known = {entity.entity_id for entity in watchlist.entities()}
    events = load_events(REPO / "config" / "events.toml", entity_ids=known)
    premieres = {e.id: (e.date, e.entities) for e in events if e.kind == "premiere"}
    assert premieres["heartstopper-s1"] == (date(2022, 4, 22), ("show:heartstopper",))
    assert premieres["heartstopper-s2"][0] == date(2023, 8, 3)
    assert premieres["heartstopper-s3"][0] == date(2024, 10, 3)
    assert premieres["young-royals-s1"] == (date(2021, 7, 1), ("show:young-royals",))
    assert premieres["young-royals-s2"][0] == date(2022, 11, 1)
    assert premieres["young-royals-s3"][0] == date(2024, 3, 11)
    assert premieres["red-white-royal-blue-film"] == (
        date(2023, 8, 11),
        ("show:red-white-royal-blue",),
    )
