"""Stories and show roll-ups on a real DuckDB file: copies of one story count once, and a
show counts the posts about its cast, characters and ships."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analytics.core.filters import Filters
from analytics.core.models import Entity
from analytics.core.watchlist import Show, Watchlist
from analytics.queries.export import export
from analytics.queries.kpis import period_figures
from analytics.queries.share_of_voice import share_of_voice
from analytics.queries.timeseries import volume_over_time
from analytics.store import connect, prepare_database, transaction
from analytics.store.schema import migrate

DAY = datetime(2024, 5, 1, 9, tzinfo=UTC)
PERIOD = Filters(start=datetime(2024, 5, 1, tzinfo=UTC), end=datetime(2024, 5, 2, tzinfo=UTC))

WATCHLIST = Watchlist.model_validate(
    {
        "shows": [
            {
                "id": "alpha",
                "name": "Alpha",
                "people": [
                    {"id": "ann", "name": "Ann Actor", "plays": ["cara"]},
                    {"id": "sam", "name": "Sam Shared"},
                ],
                "characters": [{"id": "cara", "name": "Cara"}],
                "ships": [{"id": "cara-dee", "name": "Cara/Dee", "characters": ["cara"]}],
            },
            {
                "id": "beta",
                "name": "Beta",
                "people": [{"id": "sam", "name": "Sam Shared"}, {"id": "bo", "name": "Bo"}],
            },
        ],
        "themes": [{"id": "joy", "name": "Joy", "keywords": ["joy"]}],
    }
)

# (post id, story id, mentioned entities): the text is irrelevant, mentions are given.
POSTS = [
    ("p1", "p1", ["show:alpha"]),  # names the show
    ("p2", "p1", ["show:alpha"]),  # a copy of p1 (same story)
    ("p3", "p3", ["person:ann"]),  # only a cast member
    ("p4", "p4", ["character:cara", "ship:cara-dee"]),  # two members: counts once
    ("p5", "p5", ["person:sam"]),  # shared member, no show named: both shows
    ("p6", "p6", ["person:sam", "show:beta"]),  # shared member, names Beta: Beta only
    ("p7", "p7", ["person:sam", "person:ann"]),  # Ann places it in Alpha: Alpha only
    ("p8", "p8", ["person:bo"]),  # Beta's member
    ("p9", "p9", ["theme:joy"]),  # about no show
    ("p10", "p1", ["show:alpha", "show:beta"]),  # another copy of p1, naming both shows
]


def store(
    path: Path,
    posts: list[tuple[str, str, list[str]]],
    entities: list[Entity],
    at: datetime = DAY,
) -> None:
    prepare_database(path, entities)
    with connect(path) as con, transaction(con):
        for k, (post_id, story_id, mentioned) in enumerate(posts):
            con.execute(
                "INSERT INTO posts (post_id, source, source_name, channel, text, created_at, "
                "collected_at, vader_compound, sentiment, sentiment_label, sentiment_version, "
                "content_hash, story_id, author) "
                "VALUES (?, 'rss', 'news', 'feed', 'text', ?, ?, 0, 0, 'neutral', 't', ?, ?, ?)",
                [post_id, at + timedelta(minutes=k), at, post_id, story_id, f"a{k}"],
            )
            for entity_id in mentioned:
                con.execute("INSERT INTO mentions VALUES (?, ?, 'test')", [post_id, entity_id])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "fanpulse.duckdb"
    store(path, POSTS, WATCHLIST.entities())
    return path


def rows(path: Path, sql: str) -> list[tuple]:
    with connect(path, read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_watchlist_lists_a_person_under_every_show_and_the_store_keeps_it(db: Path) -> None:
    sam = next(e for e in WATCHLIST.entities() if e.entity_id == "person:sam")
    assert sam.show_id == "alpha" and sam.member_of() == ("alpha", "beta")
    assert rows(db, "SELECT * FROM entity_shows WHERE entity_id = 'person:sam' ORDER BY 2") == [
        ("person:sam", "alpha"),
        ("person:sam", "beta"),
    ]
    # Taken off Beta in the watchlist: the store follows; an entity no longer listed at all
    # keeps its shows, as it keeps its name.
    moved = Watchlist(shows=[Show(id="alpha", name="Alpha", people=WATCHLIST.shows[0].people)])
    prepare_database(db, moved.entities())
    assert rows(db, "SELECT show_id FROM entity_shows WHERE entity_id = 'person:sam'") == [
        ("alpha",)
    ]
    assert rows(db, "SELECT show_id FROM entity_shows WHERE entity_id = 'person:bo'") == [("beta",)]


def test_show_posts_include_members_and_place_a_shared_person(db: Path) -> None:
    found = rows(db, "SELECT entity_id, post_id, direct FROM show_posts ORDER BY 1, 2")
    assert found == [
        ("show:alpha", "p1", True),
        ("show:alpha", "p10", True),
        ("show:alpha", "p2", True),
        ("show:alpha", "p3", False),
        ("show:alpha", "p4", False),
        ("show:alpha", "p5", False),
        ("show:alpha", "p7", False),
        ("show:beta", "p10", True),
        ("show:beta", "p5", False),
        ("show:beta", "p6", True),
        ("show:beta", "p8", False),
    ]


def test_views_count_stories_beside_posts(db: Path) -> None:
    assert rows(
        db,
        "SELECT posts, stories FROM daily_mentions WHERE entity_id = 'show:alpha'",
    ) == [(3, 1)]
    assert rows(
        db,
        "SELECT entity_id, posts, stories, direct_posts, day_stories FROM daily_show_volume "
        "ORDER BY 1",
    ) == [("show:alpha", 7, 5, 3, 9), ("show:beta", 4, 4, 2, 9)]
    assert rows(
        db,
        "SELECT mentions, stories, day_stories FROM daily_share_of_voice "
        "WHERE entity_id = 'show:alpha'",
    ) == [(3, 1, 3)]  # Beta: p6 and p1's copy p10
    assert rows(db, "SELECT posts, stories FROM daily_source_volume") == [(10, 8)]


def test_volume_and_share_of_voice_count_stories_unless_asked_for_copies(db: Path) -> None:
    with connect(db, read_only=True) as con:
        volume = volume_over_time(con, PERIOD, "day", kinds=("show",))
        stories = share_of_voice(con, PERIOD)
        copies = share_of_voice(con, PERIOD, unit="posts")
        figures = period_figures(con, PERIOD)
        alpha_only = period_figures(
            con, Filters(start=PERIOD.start, end=PERIOD.end, entity_ids=("show:alpha",))
        )
    totals = volume[["entity_id", "posts", "stories"]].values.tolist()
    assert {entity: (posts, stories) for entity, posts, stories in totals} == {
        "show:alpha": (7, 5),
        "show:beta": (4, 4),
    }
    assert stories[["entity_id", "mentions"]].values.tolist() == [
        ["show:alpha", 5],
        ["show:beta", 4],
    ]
    assert stories["share_pct"].round(2).tolist() == [55.56, 44.44]
    assert copies["mentions"].tolist() == [7, 4]
    assert (figures.posts, figures.stories) == (10, 8)
    assert (alpha_only.posts, alpha_only.stories) == (7, 5)
    # Shows add up to more than the total (p5, p10 count for both), less where a post is
    # about no show (p9): the one line says both.
    assert (figures.show_stories, figures.placed_stories) == (9, 7)
    assert figures.reconciliation("stories") == (
        "A post about two shows counts for both; 1 stories are about no watched show: "
        "8 stories, 9 show mentions."
    )
    assert figures.reconciliation("posts") == (
        "A post about two shows counts for both; 1 posts are about no watched show: "
        "10 posts, 11 show mentions."
    )


def test_a_version_10_file_gets_each_members_show_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with connect(path) as con:
        migrate(con, upto=10)
        con.execute("INSERT INTO entities VALUES ('show:alpha', 'show', 'Alpha', NULL)")
        con.execute("INSERT INTO entities VALUES ('person:ann', 'person', 'Ann', 'alpha')")
    with connect(path) as con:
        migrate(con)
    assert rows(path, "SELECT * FROM entity_shows") == [("person:ann", "alpha")]


def test_export_of_a_show_includes_its_cast_and_tells_copies(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "alpha.csv"
    with connect(db, read_only=True) as con:
        export(con, out, filters=Filters(entity_ids=("show:alpha",)))
    with out.open(encoding="utf-8") as handle:
        exported = {row["post_id"]: row["story_id"] for row in csv.DictReader(handle)}
    assert exported == {
        "p1": "p1",
        "p2": "p1",
        "p3": "p3",
        "p4": "p4",
        "p5": "p5",
        "p7": "p7",
        "p10": "p1",
    }
