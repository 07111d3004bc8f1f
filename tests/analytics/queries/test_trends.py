"""Time series, share of voice, spikes, trending terms and the trend views.

One synthetic corpus with known answers, on a real DuckDB file:

- Shows: every day of May 2024, Alpha is mentioned in 6 posts and Beta in 2 (one post
  mentions both), so Alpha has exactly 75 % of the show share of voice.
- Person Xavier (of Alpha): 20 ± 3 posts a day in May, except May 25 with 120, of which
  100 are about a "trailer": the only spike. Yara (of Alpha) has 5 posts on May 17 only,
  a day Xavier has exactly 20 (80/20 within Alpha's people); too few to be a spike.
- Show Gamma: one post on June 3 and two on June 6, for gap filling.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from analytics.core.filters import Filters
from analytics.core.models import Entity
from analytics.queries.share_of_voice import share_of_voice
from analytics.queries.spikes import MAD_SCALE, detect_spikes
from analytics.queries.terms import (
    TermOptions,
    TermWindow,
    rising_terms_by_window,
    stop_words,
    trending_terms,
)
from analytics.queries.timeseries import truncate, volume_over_time
from analytics.store import connect, prepare_database
from analytics.store.views import apply_views

ENTITIES = [
    Entity("show:alpha", "show", "Alpha", None),
    Entity("show:beta", "show", "Beta", None),
    Entity("show:gamma", "show", "Gamma", None),
    Entity("person:xavier", "person", "Xavier Example", "alpha"),
    Entity("person:yara", "person", "Yara Test", "alpha"),
    Entity("person:zed", "person", "Zed Other", "beta"),
]
MAY_1 = datetime(2024, 5, 1, tzinfo=UTC)
SPIKE_DAY = datetime(2024, 5, 25, tzinfo=UTC)
YARA_DAY = datetime(2024, 5, 17, tzinfo=UTC)
# Xavier's posts per day in May: 20 + a fixed wobble of -3..3; May 17 has exactly 20.
XAVIER_COUNTS = [20 + (i * 5) % 7 - 3 for i in range(31)]
XAVIER_COUNTS[(SPIKE_DAY - MAY_1).days] = 120
TRAILER_POSTS = 100
WORDS = ["garden", "coffee", "poster", "interview", "podcast", "sunset", "costume"]
MAY = Filters(start=MAY_1, end=datetime(2024, 6, 1, tzinfo=UTC))
UTC_TIME = pa.timestamp("us", tz="UTC")
POST_SCHEMA = pa.schema(
    [
        *((name, pa.string()) for name in ("post_id", "source", "source_name", "channel")),
        ("author", pa.string()),
        ("text", pa.string()),
        ("lang", pa.string()),
        ("created_at", UTC_TIME),
        ("collected_at", UTC_TIME),
        ("likes", pa.int64()),
        ("vader_compound", pa.float64()),
        ("sentiment", pa.float64()),
        ("sentiment_label", pa.string()),
        ("sentiment_version", pa.string()),
        ("content_hash", pa.string()),
    ]
)


class Corpus:
    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.mentions: list[tuple[str, str]] = []

    def add(
        self,
        entity_ids: list[str],
        created_at: datetime,
        text: str,
        source_name: str,
        sentiment: float = 0.0,
        likes: int | None = None,
    ) -> None:
        post_id = f"test:{len(self.posts)}"
        label = "positive" if sentiment >= 0.05 else "negative" if sentiment <= -0.05 else "neutral"
        self.posts.append(
            {
                "post_id": post_id,
                "source": source_name.split("-")[0],
                "source_name": source_name,
                "channel": "channel",
                "author": f"author{len(self.posts) % 13}",
                "text": text,
                "lang": "en",
                "created_at": created_at,
                "collected_at": datetime(2024, 7, 1, tzinfo=UTC),
                "likes": likes,
                "vader_compound": sentiment,
                "sentiment": sentiment,
                "sentiment_label": label,
                "sentiment_version": "test",
                "content_hash": post_id,
            }
        )
        self.mentions.extend((post_id, entity_id) for entity_id in entity_ids)

    def spread(self, entity_ids: list[str], day: datetime, count: int, source: str) -> None:
        """``count`` ordinary posts spread evenly over one UTC day."""
        for k in range(count):
            words = f"{WORDS[k % len(WORDS)]} {WORDS[(k + 3) % len(WORDS)]}"
            created = day + timedelta(minutes=k * 1440 // count)
            self.add(entity_ids, created, f"Lovely {words} today", source, sentiment=0.5)


def build_corpus() -> Corpus:
    corpus = Corpus()
    for i, xavier in enumerate(XAVIER_COUNTS):
        day = MAY_1 + timedelta(days=i)
        corpus.spread(["show:alpha"], day, 5, "reddit-main")
        corpus.spread(["show:alpha", "show:beta"], day + timedelta(hours=1), 1, "reddit-main")
        corpus.spread(["show:beta"], day + timedelta(hours=2), 1, "reddit-main")
        if day == SPIKE_DAY:
            corpus.spread(["person:xavier"], day, xavier - TRAILER_POSTS, "bluesky-main")
            for k in range(TRAILER_POSTS):
                text = f"The new TRAILER for Xavier Example! https://t.co/x{k} {WORDS[k % 7]}"
                text += " #Trailer" if k % 2 else ""
                corpus.add(
                    ["person:xavier"],
                    day + timedelta(minutes=10 * k),
                    text,
                    "bluesky-main",
                    likes=500 if k == 7 else k,
                )
        else:
            corpus.spread(["person:xavier"], day, xavier, "bluesky-main")
    corpus.spread(["person:yara"], YARA_DAY, 5, "bluesky-main")
    gamma = ["show:gamma"]
    corpus.add(gamma, datetime(2024, 6, 3, 9, 30, tzinfo=UTC), "gamma one", "rss-news", 0.5)
    corpus.add(gamma, datetime(2024, 6, 6, 23, 59, tzinfo=UTC), "gamma two", "rss-news", -0.5)
    corpus.add(gamma, datetime(2024, 6, 6, 0, 0, tzinfo=UTC), "gamma three", "rss-news", 0.0)
    return corpus


def about_alpha(
    corpus: Corpus, start: datetime, end: datetime, source_name: str | None = None
) -> int:
    """Posts about show Alpha, its people included, from the corpus as written."""
    members = {"show:alpha", "person:xavier", "person:yara"}
    chosen = {post_id for post_id, entity_id in corpus.mentions if entity_id in members}
    return sum(
        1
        for p in corpus.posts
        if p["post_id"] in chosen
        and start <= p["created_at"] < end
        and (source_name is None or p["source_name"] == source_name)
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trends") / "fanpulse.duckdb"
    prepare_database(path, ENTITIES)
    corpus = build_corpus()
    posts = pa.Table.from_pylist(corpus.posts, schema=POST_SCHEMA)
    mentions = pa.table(
        {
            "post_id": [post_id for post_id, _ in corpus.mentions],
            "entity_id": [entity_id for _, entity_id in corpus.mentions],
            "matched": ["test"] * len(corpus.mentions),
        }
    )
    with connect(path) as con:
        con.register("incoming_posts", posts)
        con.register("incoming_mentions", mentions)
        con.execute("INSERT INTO posts BY NAME SELECT * FROM incoming_posts")
        con.execute("INSERT INTO mentions SELECT * FROM incoming_mentions")
        apply_views(con)
    return path


@pytest.fixture
def con(db: Path) -> Iterator[Any]:
    with connect(db, read_only=True) as connection:
        yield connection


def day(d: int, month: int = 5) -> datetime:
    return datetime(2024, month, d, tzinfo=UTC)


# --- time series -------------------------------------------------------------------------


def test_daily_volume_fills_empty_days_with_zero(con: Any) -> None:
    week = Filters(start=day(1, 6), end=day(8, 6), entity_ids=("show:gamma",))
    df = volume_over_time(con, week, "day")
    assert list(df["bucket"]) == [pd.Timestamp(day(d, 6)) for d in range(1, 8)]
    assert set(df["entity_id"]) == {"show:gamma"}
    assert list(df["name"].unique()) == ["Gamma"]
    assert list(df["posts"]) == [0, 0, 1, 0, 0, 2, 0]
    assert list(df["positive"]) == [0, 0, 1, 0, 0, 0, 0]
    assert list(df["neutral"]) == [0, 0, 0, 0, 0, 1, 0]
    assert list(df["negative"]) == [0, 0, 0, 0, 0, 1, 0]
    assert df["avg_sentiment"].isna().tolist() == [True, True, False, True, True, False, True]
    assert df.loc[2, "avg_sentiment"] == 0.5
    assert df.loc[5, "avg_sentiment"] == -0.25


def test_bucket_counts_for_hour_day_and_week(con: Any) -> None:
    gamma = ("show:gamma",)
    hours = volume_over_time(con, Filters(start=day(6, 6), end=day(7, 6), entity_ids=gamma), "hour")
    assert len(hours) == 24
    assert hours["posts"].tolist() == [1] + [0] * 22 + [1]
    # May 1 2024 is a Wednesday: ISO weeks start Apr 29, May 6, 13, 20 and 27.
    weeks = volume_over_time(con, MAY, "week", kinds=("show",))
    alpha = weeks[weeks["entity_id"] == "show:alpha"]
    assert [b.date() for b in alpha["bucket"]] == [
        date(2024, 4, 29),
        date(2024, 5, 6),
        date(2024, 5, 13),
        date(2024, 5, 20),
        date(2024, 5, 27),
    ]
    # Alpha's figures include its people's posts (Xavier, Yara).
    corpus = build_corpus()
    edges = [MAY.start, day(6), day(13), day(20), day(27), MAY.end]
    expected = [about_alpha(corpus, a, b) for a, b in zip(edges, edges[1:], strict=False)]
    assert alpha["posts"].tolist() == expected
    assert expected[0] > 5 * 6  # more than the show's own mentions
    # Gamma has no post in May: without entity_ids only series with posts are listed.
    assert set(weeks["entity_id"]) == {"show:alpha", "show:beta"}
    days = volume_over_time(con, MAY, "day", kinds=("person",))
    xavier = days[days["entity_id"] == "person:xavier"]
    assert len(xavier) == 31
    assert xavier["posts"].tolist() == XAVIER_COUNTS


def test_volume_by_source_and_top(con: Any) -> None:
    df = volume_over_time(con, Filters(start=SPIKE_DAY, end=day(26)), "day", "source")
    assert dict(zip(df["source_name"], df["posts"], strict=True)) == {
        "bluesky-main": 120,
        "reddit-main": 7,
    }
    top = volume_over_time(con, MAY, "day", kinds=("show", "person"), top=1)
    # Alpha includes Xavier's posts, so it is the busiest.
    assert set(top["entity_id"]) == {"show:alpha"}


def test_buckets_are_utc_whatever_the_session_time_zone(con: Any) -> None:
    con.execute("SET TimeZone = 'America/New_York'")
    df = volume_over_time(con, Filters(start=day(1, 6), end=day(8, 6), entity_ids=("show:gamma",)))
    assert list(df["bucket"]) == [pd.Timestamp(day(d, 6)) for d in range(1, 8)]
    assert list(df["posts"]) == [0, 0, 1, 0, 0, 2, 0]


def test_truncate_to_bucket_start() -> None:
    moment = datetime(2024, 5, 25, 17, 42, 9, tzinfo=UTC)  # a Saturday
    assert truncate(moment, "hour") == datetime(2024, 5, 25, 17, tzinfo=UTC)
    assert truncate(moment, "day") == SPIKE_DAY
    assert truncate(moment, "week") == day(20)
    with pytest.raises(ValueError, match="bucket"):
        truncate(moment, "month")  # type: ignore[arg-type]


# --- share of voice ----------------------------------------------------------------------


def test_share_of_voice_between_shows(con: Any) -> None:
    df = share_of_voice(con, MAY)
    assert df["entity_id"].tolist() == ["show:alpha", "show:beta", "show:gamma"]
    alpha = about_alpha(build_corpus(), MAY.start, MAY.end)
    assert df["mentions"].tolist() == [alpha, 31 * 2, 0]
    assert df["share_pct"].tolist() == pytest.approx(
        [100 * alpha / (alpha + 62), 100 * 62 / (alpha + 62), 0.0]
    )


def test_share_of_voice_between_a_shows_people(con: Any) -> None:
    df = share_of_voice(con, Filters(start=YARA_DAY, end=day(18)), "person", "show:alpha")
    assert df["entity_id"].tolist() == ["person:xavier", "person:yara"]
    assert df["mentions"].tolist() == [20, 5]
    assert df["share_pct"].tolist() == [80.0, 20.0]
    same = share_of_voice(con, Filters(start=YARA_DAY, end=day(18)), "person", "alpha")
    assert same["share_pct"].tolist() == [80.0, 20.0]


def test_share_of_voice_respects_the_other_filters(con: Any) -> None:
    elsewhere = Filters(start=MAY.start, end=MAY.end, source_names=("bluesky-main",))
    df = share_of_voice(con, elsewhere)
    # Bluesky carried only Xavier's posts: they count for Alpha, his show.
    bluesky = about_alpha(build_corpus(), MAY.start, MAY.end, "bluesky-main")
    assert df["mentions"].tolist() == [bluesky, 0, 0]
    assert df["share_pct"].tolist() == [100.0, 0.0, 0.0]
    chosen = Filters(start=MAY.start, end=MAY.end, entity_ids=("show:beta", "show:gamma"))
    df = share_of_voice(con, chosen)
    assert df["entity_id"].tolist() == ["show:beta", "show:gamma"]
    assert df["share_pct"].tolist() == [100.0, 0.0]


# --- spikes ------------------------------------------------------------------------------


def expected_z(index: int, window: int = 14) -> tuple[float, float]:
    history = XAVIER_COUNTS[index - window : index]
    median = statistics.median(history)
    mad = statistics.median(abs(c - median) for c in history)
    return median, (XAVIER_COUNTS[index] - median) / (MAD_SCALE * mad + 1.0)


def test_detect_spikes_finds_exactly_the_spike_day(con: Any) -> None:
    period = Filters(start=day(15), end=day(1, 6))
    spikes = detect_spikes(con, period)
    assert [(s.entity_id, s.bucket) for s in spikes] == [("person:xavier", SPIKE_DAY)]
    spike = spikes[0]
    baseline, z = expected_z((SPIKE_DAY - MAY_1).days)
    assert spike.name == "Xavier Example"
    assert spike.posts == 120
    assert spike.baseline == baseline
    assert spike.z == pytest.approx(z)
    assert spike.z > 10
    assert spike.top_terms[0] == "trailer"
    assert "#trailer" in spike.top_terms
    liked = con.execute("SELECT post_id FROM posts WHERE likes = 500").fetchone()
    assert spike.top_posts[0].post_id == liked[0]
    assert spike.top_posts[0].engagement == 500
    assert len(spike.top_posts) == 3


def test_no_spike_in_a_flat_or_sparse_series(con: Any) -> None:
    # Without a period: days lacking 14 days of history are not judged; still one spike.
    assert [s.bucket for s in detect_spikes(con, Filters())] == [SPIKE_DAY]
    # Yara's 5 posts are far above her zero baseline but under min_posts.
    assert detect_spikes(con, Filters(entity_ids=("person:yara",))) == []
    low = detect_spikes(con, Filters(entity_ids=("person:yara",)), min_posts=5)
    assert [(s.entity_id, s.bucket, s.posts) for s in low] == [("person:yara", YARA_DAY, 5)]
    # Other filters apply to the counts: the spike is on bluesky only.
    assert detect_spikes(con, Filters(source_names=("reddit-main",))) == []
    # The spike day outside the period is not reported.
    assert detect_spikes(con, Filters(start=day(26), end=day(1, 6))) == []


def test_hourly_spikes_run_on_the_same_data(con: Any) -> None:
    spikes = detect_spikes(
        con, Filters(start=SPIKE_DAY, end=day(26)), "hour", window=48, min_posts=5
    )
    # 100 trailer posts, one every 10 minutes from midnight: 6 or 7 posts in each of the
    # hours 0-16 against about one an hour in the 48 hours before.
    assert {s.entity_id for s in spikes} == {"person:xavier"}
    assert sorted(s.bucket for s in spikes) == [SPIKE_DAY + timedelta(hours=h) for h in range(17)]
    assert all(s.baseline == 1.0 for s in spikes)
    assert spikes[0].z == max(s.z for s in spikes)
    assert spikes[0].top_terms[0] == "trailer"


# --- trending terms ----------------------------------------------------------------------


def test_trending_terms_put_the_injected_term_first(con: Any) -> None:
    spike = Filters(start=SPIKE_DAY, end=day(26))
    before = Filters(start=day(11), end=SPIKE_DAY)
    df = trending_terms(con, spike, before, limit=100, min_count=1)
    assert df["term"].iloc[0] == "trailer"
    trailer = df.iloc[0]
    assert trailer["count"] == TRAILER_POSTS
    assert trailer["baseline_count"] == 0
    assert trailer["z"] > 5
    assert df["z"].is_monotonic_decreasing
    terms = set(df["term"])
    assert {"the", "new", "for"}.isdisjoint(terms)  # stop words
    assert {"xavier", "example", "#xavierexample"}.isdisjoint(terms)  # watched names
    assert not any("http" in t or "t.co" in t or t == "co" for t in terms)  # URLs dropped
    hashtags = trending_terms(con, spike, before, only="hashtags", min_count=1)
    assert hashtags["term"].tolist() == ["#trailer"]
    assert hashtags["count"].tolist() == [TRAILER_POSTS // 2]


def test_trending_terms_options(con: Any) -> None:
    spike = Filters(start=SPIKE_DAY, end=day(26))
    before = Filters(start=day(11), end=SPIKE_DAY)
    named = trending_terms(con, spike, before, exclude_entity_names=False, min_count=1)
    assert "xavier example" in set(named["term"])  # the phrase, not its words
    quiet = trending_terms(con, spike, before, extra_stop_words=["Trailer"], min_count=1)
    assert "trailer" not in set(quiet["term"])
    assert trending_terms(con, spike, before, min_count=TRAILER_POSTS + 1).empty
    # Default baseline: the previous period of the same length (May 24).
    default = trending_terms(con, spike, min_count=1)
    assert default["term"].iloc[0] == "trailer"
    assert {"the", "and", "for"} <= stop_words()


def test_rising_terms_by_window_keeps_windows_apart(con: Any) -> None:
    windows = [
        TermWindow("person:xavier", day(11), SPIKE_DAY, day(26)),
        TermWindow("show:alpha", day(11), SPIKE_DAY, day(26)),  # the same posts every day
        TermWindow("person:xavier", day(1), day(10), day(11)),  # an ordinary day
    ]
    frames = rising_terms_by_window(con, windows, options=TermOptions(limit=3, min_count=1))
    assert len(frames) == 3
    assert frames[0]["term"].tolist() == ["trailer", "#trailer"]
    assert frames[0]["count"].tolist() == [TRAILER_POSTS, TRAILER_POSTS // 2]
    assert (frames[1]["z"] < 0.5).all()
    assert "trailer" not in set(frames[2]["term"])
    assert (frames[2]["z"] < 2).all()
    # Other filters apply: Xavier's posts are all on bluesky.
    elsewhere = Filters(source_names=("reddit-main",))
    assert rising_terms_by_window(con, windows[:1], elsewhere)[0].empty
    assert rising_terms_by_window(con, []) == []


def test_spikes_without_explanations(con: Any) -> None:
    period = Filters(start=day(15), end=day(1, 6))
    spikes = detect_spikes(con, period, explain_terms=0, explain_posts=0)
    assert [(s.bucket, s.top_terms, s.top_posts) for s in spikes] == [(SPIKE_DAY, (), ())]


# --- analyst views -----------------------------------------------------------------------


def test_trend_views(con: Any) -> None:
    sov = con.execute(
        "SELECT entity_id, mentions, day_mentions, share_pct FROM daily_share_of_voice "
        "WHERE day = DATE '2024-05-10' ORDER BY entity_id"
    ).fetchall()
    assert sov == [("show:alpha", 6, 8, 75.0), ("show:beta", 2, 8, 25.0)]
    cast = con.execute(
        "SELECT entity_id, mentions, share_pct FROM daily_cast_share_of_voice "
        "WHERE day = DATE '2024-05-17' AND show_id = 'alpha' ORDER BY entity_id"
    ).fetchall()
    assert cast == [("person:xavier", 20, 80.0), ("person:yara", 5, 20.0)]
    weekly = con.execute(
        "SELECT posts FROM weekly_mentions "
        "WHERE entity_id = 'person:xavier' AND week = DATE '2024-05-20'"
    ).fetchone()
    assert weekly == (sum(XAVIER_COUNTS[19:26]),)
    hourly = con.execute(
        "SELECT hour, posts FROM hourly_mentions WHERE entity_id = 'show:gamma' ORDER BY hour"
    ).fetchall()
    assert [(h.astimezone(UTC), n) for h, n in hourly] == [
        (datetime(2024, 6, 3, 9, tzinfo=UTC), 1),
        (datetime(2024, 6, 6, 0, tzinfo=UTC), 1),
        (datetime(2024, 6, 6, 23, tzinfo=UTC), 1),
    ]
    volume_rows = con.execute(
        "SELECT source_name, source, posts, positive, neutral FROM daily_source_volume "
        "WHERE day = DATE '2024-05-25' ORDER BY source_name"
    ).fetchall()
    assert volume_rows == [
        ("bluesky-main", "bluesky", 120, 120 - TRAILER_POSTS, TRAILER_POSTS),
        ("reddit-main", "reddit", 7, 7, 0),
    ]


def test_spike_posts_show_each_story_once(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copies.duckdb"
    copy.write_bytes(db.read_bytes())
    with connect(copy) as con:
        period = Filters(start=day(15), end=day(1, 6))
        before = detect_spikes(con, period)[0]
        top, second, third = (p.post_id for p in before.top_posts)
        # The second and third most engaging posts become copies of the first one's story.
        con.execute(
            "UPDATE posts SET story_id = ? WHERE list_contains(?, post_id)", [top, [second, third]]
        )
        after = detect_spikes(con, period)[0]
    shown = [p.post_id for p in after.top_posts]
    assert shown[0] == top
    assert second not in shown and third not in shown
    assert len(shown) == 3  # the next stories move up
    assert after.posts == before.posts - 2  # spikes count stories too
