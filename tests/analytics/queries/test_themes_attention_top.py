"""Themes, attention vs chatter, top posts/authors, mixes and the analyst views.

One small corpus with hand-computed answers, on a real DuckDB file.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from analytics.core.filters import Filters
from analytics.core.models import Entity
from analytics.queries.attention import attention_correlation, attention_vs_chatter
from analytics.queries.themes import theme_shares
from analytics.queries.top import language_mix, mix, source_mix, top_authors, top_posts
from analytics.store import connect, prepare_database
from analytics.store.views import apply_views

ENTITIES = [
    Entity("show:alpha", "show", "Alpha", None),
    Entity("show:beta", "show", "Beta", None),
    Entity("person:quiet", "person", "Quiet Person", "alpha"),
    Entity("theme:joy", "theme", "Joy", None),
    Entity("theme:health", "theme", "Health", None),
    Entity("theme:music", "theme", "Music", None),
]


def ts(day: int, hour: int = 12, month: int = 6) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=UTC)


# post_id, created_at, source, author, lang, likes, shares, replies, score, sentiment, entities
# Engagement = coalesce(likes, score, 0) + 2 * shares + replies, written out on each line.
CORPUS: list[tuple[Any, ...]] = [
    ("p1", ts(3, 2), "mastodon", "ann", "en", 5, 1, 0, None, 0.5, ["show:alpha", "theme:joy"]),  # 7
    ("p2", ts(3), "mastodon", "ann", "en", 1, None, None, None, 0.5,
     ["show:alpha", "theme:joy", "theme:health"]),  # 1
    ("p3", ts(4), "reddit", "bob", "en", 10, None, 3, 10, 0.5, ["show:alpha", "theme:joy"]),  # 13
    ("p4", ts(4, 13), "reddit", "bob", "en", None, None, 0, 8, -0.5,
     ["show:alpha", "theme:joy"]),  # 8
    ("p5", ts(5), "rss", "News Site", None, None, None, None, None, 0.0,
     ["show:alpha", "theme:health"]),  # 0
    ("p6", ts(5, 14), "bluesky", "cat", "ja", 2, 3, 1, None, 0.0, ["show:beta"]),  # 9
    ("p7", ts(6), "bluesky", "cat", "ja", 0, 0, 7, None, 0.0, ["show:beta"]),  # 7, newer than p1
    ("p8", ts(10, 9), "rss", None, "en", None, None, None, None, 0.0, ["show:alpha"]),  # 0
    ("p9", ts(10, 10), "rss", "News Site", "de", None, None, None, None, 0.0, ["show:alpha"]),
    ("p10", ts(11), "rss", "News Site", "en", None, None, None, None, 0.0, ["show:alpha"]),
    # Outside the period [June 3, June 12): must never show up in period results.
    ("late", ts(20), "reddit", "bob", "en", 1000, 50, 50, 1000, 0.9, ["show:alpha", "theme:joy"]),
]  # fmt: skip
PERIOD = Filters(start=ts(3, 0), end=ts(12, 0))


def insert_corpus(con: duckdb.DuckDBPyConnection) -> None:
    def column(index: int) -> list[Any]:
        return [row[index] for row in CORPUS]

    sentiments = column(9)
    posts = pa.table(
        {
            "post_id": column(0),
            "source": column(2),
            "source_name": [f"{source}-test" for source in column(2)],
            "channel": ["channel"] * len(CORPUS),
            "author": pa.array(column(3), pa.string()),
            "text": [f"text of {post_id}" for post_id in column(0)],
            "lang": pa.array(column(4), pa.string()),
            "created_at": pa.array(column(1), pa.timestamp("us", tz="UTC")),
            "collected_at": pa.array([ts(21)] * len(CORPUS), pa.timestamp("us", tz="UTC")),
            "likes": pa.array(column(5), pa.int64()),
            "shares": pa.array(column(6), pa.int64()),
            "replies": pa.array(column(7), pa.int64()),
            "score": pa.array(column(8), pa.int64()),
            "vader_compound": sentiments,
            "sentiment": sentiments,
            "sentiment_label": [
                "positive" if s >= 0.05 else "negative" if s <= -0.05 else "neutral"
                for s in sentiments
            ],
            "sentiment_version": ["test"] * len(CORPUS),
            "content_hash": column(0),
            # Feeds carry articles, as the collector stores them.
            "post_kind": ["article" if source == "rss" else "post" for source in column(2)],
        }
    )
    mentions = pa.table(
        {
            "post_id": [row[0] for row in CORPUS for _ in row[10]],
            "entity_id": [entity for row in CORPUS for entity in row[10]],
            "matched": ["test" for row in CORPUS for _ in row[10]],
        }
    )
    con.register("incoming_posts", posts)
    con.execute("INSERT INTO posts BY NAME SELECT * FROM incoming_posts")
    con.register("incoming_mentions", mentions)
    con.execute("INSERT INTO mentions BY NAME SELECT * FROM incoming_mentions")


# Alpha's daily mentions in the period (all sources): June 3: 2, 4: 2, 5: 1, 10: 2, 11: 1.
ALPHA_MENTIONS = {3: 2, 4: 2, 5: 1, 10: 2, 11: 1}
MISSING_DAY = 5  # no page-view measurement for Alpha that day


def insert_attention(con: duckdb.DuckDBPyConnection) -> None:
    rows = []
    for day in range(1, 15):
        if day != MISSING_DAY:
            # Page views exactly linear in mentions: correlation 1 on the measured days.
            rows.append(
                ("show:alpha", "wikipedia_pageviews", day, 100 + 10 * ALPHA_MENTIONS.get(day, 0))
            )
        rows.append(("show:beta", "wikipedia_pageviews", day, 50))  # flat: no correlation
        rows.append(("show:alpha", "other_metric", day, 999))  # another metric: ignored
    con.executemany(
        "INSERT INTO attention VALUES (?, ?, make_date(2024, 6, ?), ?, 'wiki-test', now())", rows
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "corpus.duckdb"
    prepare_database(path, ENTITIES)
    with connect(path) as con:
        insert_corpus(con)
        insert_attention(con)
    return path


@pytest.fixture
def con(db: Path) -> Any:
    with connect(db, read_only=True) as connection:
        yield connection


# ---------------------------------------------------------------- themes


def by_theme(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {row["entity_id"]: row for row in frame.to_dict("records")}


def test_theme_shares_known_exactly(con: duckdb.DuckDBPyConnection) -> None:
    frame = theme_shares(con, PERIOD)
    assert list(frame["entity_id"]) == ["theme:joy", "theme:health", "theme:music"]
    themes = by_theme(frame)
    joy, health, music = themes["theme:joy"], themes["theme:health"], themes["theme:music"]
    assert (joy["posts"], health["posts"], music["posts"]) == (4, 2, 0)
    assert joy["share"] == pytest.approx(4 / 10)
    assert health["share"] == pytest.approx(2 / 10)
    assert music["share"] == 0
    assert joy["share_of_themed"] == pytest.approx(4 / 5)  # p1..p5 carry a theme
    assert health["share_of_themed"] == pytest.approx(2 / 5)
    assert joy["avg_sentiment"] == pytest.approx(0.25)
    assert joy["positive_share"] == pytest.approx(0.75)
    assert joy["negative_share"] == pytest.approx(0.25)  # p4
    assert health["avg_sentiment"] == pytest.approx(0.25)
    assert health["positive_share"] == pytest.approx(0.5)
    assert health["negative_share"] == 0  # p5 is neutral
    assert math.isnan(music["avg_sentiment"]) and math.isnan(music["positive_share"])


def test_theme_shares_follow_filters(con: duckdb.DuckDBPyConnection) -> None:
    alpha = theme_shares(
        con, Filters(start=PERIOD.start, end=PERIOD.end, entity_ids=("show:alpha",))
    )
    assert by_theme(alpha)["theme:joy"]["share"] == pytest.approx(4 / 8)  # p6, p7 are Beta's
    everything = by_theme(theme_shares(con))
    assert everything["theme:joy"]["posts"] == 5  # the late post too
    nothing = by_theme(theme_shares(con, Filters(langs=("xx",))))
    assert nothing["theme:joy"]["posts"] == 0
    assert math.isnan(nothing["theme:joy"]["share"])  # no posts: share undefined


# ---------------------------------------------------------------- attention


def test_attention_aligned_with_gaps_filled(con: duckdb.DuckDBPyConnection) -> None:
    frame = attention_vs_chatter(con, PERIOD)
    assert list(frame["entity_id"].drop_duplicates()) == ["show:alpha", "show:beta"]
    alpha = frame[frame["entity_id"] == "show:alpha"]
    assert [d.day for d in alpha["day"]] == list(range(3, 12))  # June 3..11, every day
    assert list(alpha["mentions"]) == [ALPHA_MENTIONS.get(d, 0) for d in range(3, 12)]
    pageviews = dict(zip([d.day for d in alpha["day"]], alpha["pageviews"], strict=True))
    assert math.isnan(pageviews[MISSING_DAY])  # not measured stays missing, not 0
    assert pageviews[3] == 120 and pageviews[6] == 100
    beta = frame[frame["entity_id"] == "show:beta"]
    assert list(beta["mentions"]) == [0, 0, 1, 1, 0, 0, 0, 0, 0]  # p6 June 5, p7 June 6


def test_attention_days_are_utc_in_any_session_zone(db: Path) -> None:
    with connect(db, read_only=True) as con:
        in_utc = attention_vs_chatter(con, PERIOD)
        con.execute("SET TimeZone = 'America/New_York'")  # p1 falls on June 2 there
        elsewhere = attention_vs_chatter(con, PERIOD)
    pd.testing.assert_frame_equal(in_utc, elsewhere)


def test_attention_period_entities_and_sources(con: duckdb.DuckDBPyConnection) -> None:
    span = attention_vs_chatter(con)  # no period: the span of the page-view data
    assert [d.day for d in span["day"].drop_duplicates()] == list(range(1, 15))
    chosen = attention_vs_chatter(
        con, Filters(start=ts(3, 0), end=ts(4, 15), entity_ids=("person:quiet", "show:alpha"))
    )
    assert list(chosen["entity_id"]) == ["person:quiet"] * 2 + ["show:alpha"] * 2
    assert chosen["pageviews"][:2].isna().all()
    # The end is exclusive at 15:00 on June 4: p3 (12:00) and p4 (13:00) both count.
    assert list(chosen["mentions"]) == [0, 0, 2, 2]
    feeds = attention_vs_chatter(con, Filters(start=PERIOD.start, end=PERIOD.end, sources=("rss",)))
    alpha = feeds[feeds["entity_id"] == "show:alpha"]
    assert int(alpha["mentions"].sum()) == 4  # p5, p8, p9, p10


def test_attention_correlation(con: duckdb.DuckDBPyConnection) -> None:
    daily = attention_vs_chatter(con, PERIOD)
    frame = attention_correlation(daily).set_index("entity_id")
    assert list(frame.columns) == ["entity_name", "days", "correlation"]
    assert frame.loc["show:alpha", "days"] == 8  # 9 days, one not measured
    assert frame.loc["show:alpha", "correlation"] == pytest.approx(1.0)
    assert frame.loc["show:beta", "days"] == 9
    assert math.isnan(frame.loc["show:beta", "correlation"])  # flat page views
    strict = attention_correlation(daily, min_days=9).set_index("entity_id")
    assert math.isnan(strict.loc["show:alpha", "correlation"])
    short = attention_correlation(attention_vs_chatter(con, Filters(start=ts(3, 0), end=ts(9, 0))))
    assert list(short["days"]) == [5, 6]  # Alpha: June 3..8 less June 5
    assert short["correlation"].isna().all()  # fewer than 7 measured days


def test_attention_without_measurements(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    prepare_database(path, ENTITIES)
    with connect(path, read_only=True) as con:
        daily = attention_vs_chatter(con)
        chosen = attention_vs_chatter(con, Filters(start=ts(3, 0), end=ts(5, 0)))
    assert daily.empty
    assert list(daily.columns) == ["day", "entity_id", "entity_name", "pageviews", "mentions"]
    assert chosen.empty  # nothing measured in the period, no entity chosen
    assert attention_correlation(daily).empty


# ---------------------------------------------------------------- top posts, authors, mixes


def test_top_posts_order(con: duckdb.DuckDBPyConnection) -> None:
    frame = top_posts(con, PERIOD, limit=10)
    assert list(frame["post_id"]) == ["p3", "p6", "p4", "p7", "p1", "p2", "p10", "p9", "p8", "p5"]
    assert list(frame["engagement"]) == [13, 9, 8, 7, 7, 1, 0, 0, 0, 0]
    assert frame["snippet"][0] == "text of p3"
    assert list(top_posts(con, PERIOD, limit=2)["post_id"]) == ["p3", "p6"]
    reddit = top_posts(con, Filters(start=PERIOD.start, end=PERIOD.end, sources=("reddit",)))
    assert list(reddit["post_id"]) == ["p3", "p4"]
    assert list(top_posts(con, limit=1)["post_id"]) == ["late"]


def test_top_authors(con: duckdb.DuckDBPyConnection) -> None:
    by_engagement = top_authors(con, PERIOD)  # the default: engagement, not volume
    assert list(by_engagement["author"]) == ["bob", "cat", "ann", "News Site"]  # no NULL author
    assert list(by_engagement["engagement"]) == [21, 16, 8, 0]
    assert list(by_engagement["posts"]) == [2, 2, 2, 3]
    assert list(by_engagement["source"]) == ["reddit", "bluesky", "mastodon", "rss"]
    assert list(by_engagement["kind"]) == ["person", "person", "person", "publisher"]
    assert list(by_engagement["avg_sentiment"]) == pytest.approx([0.0, 0.0, 0.5, 0.0])
    by_posts = top_authors(con, PERIOD, limit=2, order_by="posts")
    assert list(by_posts["author"]) == ["News Site", "bob"]
    with pytest.raises(ValueError, match="order_by"):
        top_authors(con, PERIOD, order_by="likes")  # type: ignore[arg-type]


def test_top_authors_keep_publishers_apart(con: duckdb.DuckDBPyConnection) -> None:
    people = top_authors(con, PERIOD, kind="person")
    assert list(people["author"]) == ["bob", "cat", "ann"]
    publishers = top_authors(con, PERIOD, kind="publisher")
    assert list(publishers["author"]) == ["News Site"]
    assert list(publishers["posts"]) == [3]  # p5, p9, p10; p8 has no author
    with pytest.raises(ValueError, match="kind"):
        top_authors(con, PERIOD, kind="bot")  # type: ignore[arg-type]


def test_top_authors_one_row_per_platform_account(tmp_path: Path) -> None:
    path = tmp_path / "namesakes.duckdb"
    prepare_database(path, ENTITIES)
    with connect(path) as con:
        accounts = (("r1", "reddit", 3), ("r2", "reddit", 4), ("b1", "bluesky", 9))
        for post_id, source, likes in accounts:
            con.execute(
                "INSERT INTO posts (post_id, source, source_name, channel, author, text, "
                "created_at, collected_at, likes, vader_compound, sentiment, sentiment_label, "
                "sentiment_version, content_hash, post_kind) "
                "VALUES (?, ?, ?, 'c', 'fan_0', 'x', ?, ?, ?, 0, 0, 'neutral', 't', ?, 'post')",
                [post_id, source, f"{source}-test", ts(4), ts(21), likes, post_id],
            )
        frame = top_authors(con, PERIOD)
    rows = list(
        zip(frame["source"], frame["author"], frame["posts"], frame["engagement"], strict=True)
    )
    assert rows == [("bluesky", "fan_0", 1, 9), ("reddit", "fan_0", 2, 7)]


def test_source_and_language_mix(con: duckdb.DuckDBPyConnection) -> None:
    sources = source_mix(con, PERIOD)
    assert list(sources["value"]) == ["rss", "bluesky", "mastodon", "reddit"]
    assert list(sources["posts"]) == [4, 2, 2, 2]
    assert list(sources["pct"]) == pytest.approx([40.0, 20.0, 20.0, 20.0])
    langs = language_mix(con, PERIOD)
    assert list(langs["value"][:3]) == ["en", "ja", "de"]
    assert pd.isna(langs["value"][3])  # p5 declared no language
    assert list(langs["pct"]) == pytest.approx([60.0, 20.0, 10.0, 10.0])
    names = mix(con, "source_name", Filters(start=PERIOD.start, end=PERIOD.end, langs=("ja",)))
    assert list(names["value"]) == ["bluesky-test"] and list(names["pct"]) == [100.0]
    with pytest.raises(ValueError, match="column"):
        mix(con, "text", PERIOD)  # type: ignore[arg-type]


# ---------------------------------------------------------------- analyst views


def test_analyst_views_on_a_prepared_database(tmp_path: Path) -> None:
    path = tmp_path / "views.duckdb"
    prepare_database(path, ENTITIES)
    with connect(path) as con:
        insert_corpus(con)
        insert_attention(con)
        apply_views(con)
        apply_views(con)  # CREATE OR REPLACE: safe to run again
        engagement = dict(con.execute("SELECT post_id, engagement FROM post_engagement").fetchall())
        joy_june_3 = con.execute(
            "SELECT posts, day_posts, share, positive_share FROM daily_themes "
            "WHERE day = DATE '2024-06-03' AND entity_id = 'theme:joy'"
        ).fetchone()
        attention = con.execute(
            "SELECT day, value, mentions FROM daily_attention "
            "WHERE entity_id = 'show:alpha' AND metric = 'wikipedia_pageviews' "
            "AND day BETWEEN DATE '2024-06-03' AND DATE '2024-06-06' ORDER BY day"
        ).fetchall()
        top = top_posts(con, PERIOD, limit=100)
    assert engagement == dict(zip(top["post_id"], top["engagement"], strict=True)) | {"late": 1150}
    assert joy_june_3 == (2, 2, 1.0, 1.0)
    assert attention == [
        (date(2024, 6, 3), 120.0, 2),
        (date(2024, 6, 4), 120.0, 2),
        (date(2024, 6, 6), 100.0, 0),  # June 5 not measured: no row in the view
    ]


def test_views_use_utc_days_in_any_session_zone(tmp_path: Path) -> None:
    path = tmp_path / "zone.duckdb"
    prepare_database(path, ENTITIES)
    with connect(path) as con:
        insert_corpus(con)
        apply_views(con)
        con.execute("SET TimeZone = 'America/New_York'")
        rows = con.execute(
            "SELECT day, posts, day_posts FROM daily_themes "
            "WHERE entity_id = 'theme:joy' ORDER BY day"
        ).fetchall()
        # The migrated daily views agree: UTC calendar days in any session zone.
        mention_days = con.execute(
            "SELECT day, posts FROM daily_mentions WHERE entity_id = 'theme:joy' ORDER BY day"
        ).fetchall()
    # p1 is 22:00 on June 2 in New York, but 02:00 on June 3 in UTC.
    assert rows == [(date(2024, 6, 3), 2, 2), (date(2024, 6, 4), 2, 2), (date(2024, 6, 20), 1, 1)]
    assert [(day, posts) for day, posts, _ in rows] == mention_days


def test_period_filter_is_half_open(con: duckdb.DuckDBPyConnection) -> None:
    exact = Filters(start=ts(4, 12), end=ts(4, 12) + timedelta(hours=1))
    assert list(top_posts(con, exact)["post_id"]) == ["p3"]  # 12:00 in, 13:00 out
