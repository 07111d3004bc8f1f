"""Rising terms as a marketer reads them: phrases over their words, several accounts, no
stop words in the fans' languages, no fan filler, no watched names, aliases or hashtags.

A corpus written here on a real DuckDB file: a quiet baseline week, then a target week
with a first-look drop, a spammer, filler, numbers and posts in Spanish and German.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from analytics.core.config import load_config
from analytics.core.filters import Filters
from analytics.core.models import Entity
from analytics.queries.term_words import watched_terms
from analytics.queries.terms import TermOptions, TermWindow, rising_terms_by_window, trending_terms
from analytics.store import connect, prepare_database
from tests.conftest import REPO

ENTITIES = [
    Entity("show:alpha", "show", "Alpha", None),
    Entity("person:xavier", "person", "Xavier Example", "alpha"),
    Entity("theme:joy", "theme", "Joy", None),
]
# Aliases and hashtags live in the watchlist, not in the database: the caller passes them.
WATCHED = ("alpha", "alpha forever", "#alphaforever", "xavier example", "xav")
START = datetime(2024, 5, 1, tzinfo=UTC)
TARGET = Filters(start=START + timedelta(days=7), end=START + timedelta(days=14))
BASELINE = Filters(start=START, end=START + timedelta(days=7))
UTC_TIME = pa.timestamp("us", tz="UTC")


def corpus() -> list[dict[str, Any]]:
    posts: list[dict[str, Any]] = []

    def add(day: int, text: str, author: str, lang: str = "en", source: str = "bluesky") -> None:
        created = START + timedelta(days=day, minutes=len(posts))
        posts.append(
            {
                "post_id": f"t:{len(posts)}",
                "source": source,
                "source_name": f"{source}-test",
                "channel": "c",
                "author": author,
                "text": text,
                "lang": lang,
                "created_at": created,
                "collected_at": START + timedelta(days=30),
                "vader_compound": 0.0,
                "sentiment": 0.0,
                "sentiment_label": "neutral",
                "sentiment_version": "t",
                "content_hash": f"t:{len(posts)}",
            }
        )

    for day in range(14):  # every day, baseline and target alike
        for k in range(10):
            add(day, f"Lovely garden and coffee with Alpha #{k % 3}", f"fan{k}")
    for k in range(30):  # the drop: 30 posts by 20 accounts
        add(
            7 + k % 7,
            f"The FIRST LOOK at Alpha Forever is here!!! literally screaming 😭 "
            f"#AlphaForever #FirstLook https://t.co/{k}",
            f"fan{k % 20}",
        )
    for k in range(20):  # "look" on its own rises too, but not inside "first look"
        add(7 + k % 7, "omg look at him, Xavier Example interview ate", f"fan{k}")
    for _ in range(12):  # one account repeating itself is not a trend
        add(8, "cheap followers here", "spammer")
    for k in range(8):
        add(9, "watched it 20 times, season 2 soundtrack on repeat", f"fan{k}")
    for k in range(8):
        add(10, "La temporada de Alpha es increíble y el final", f"fan{k}", lang="es")
    for k in range(8):
        add(10, "Die neue Staffel von Alpha ist einfach wunderschön", f"fan{k}", lang="de")
    return posts


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("terms") / "terms.duckdb"
    prepare_database(path, ENTITIES)
    posts = corpus()
    table = pa.Table.from_pylist(
        posts,
        schema=pa.schema(
            [
                *((name, pa.string()) for name in ("post_id", "source", "source_name")),
                *((name, pa.string()) for name in ("channel", "author", "text", "lang")),
                ("created_at", UTC_TIME),
                ("collected_at", UTC_TIME),
                ("vader_compound", pa.float64()),
                ("sentiment", pa.float64()),
                ("sentiment_label", pa.string()),
                ("sentiment_version", pa.string()),
                ("content_hash", pa.string()),
            ]
        ),
    )
    mentions = pa.table(
        {
            "post_id": [p["post_id"] for p in posts],
            "entity_id": ["show:alpha"] * len(posts),
            "matched": ["Alpha"] * len(posts),
        }
    )
    with connect(path) as con:
        con.register("incoming_posts", table)
        con.execute("INSERT INTO posts BY NAME SELECT * FROM incoming_posts")
        con.register("incoming_mentions", mentions)
        con.execute("INSERT INTO mentions SELECT * FROM incoming_mentions")
    return path


@pytest.fixture
def con(db: Path) -> Iterator[Any]:
    with connect(db, read_only=True) as connection:
        yield connection


def rising(con: Any, **options: Any) -> dict[str, dict[str, Any]]:
    frame = trending_terms(con, TARGET, BASELINE, limit=100, watched=WATCHED, **options)
    assert frame["z"].is_monotonic_decreasing
    return {row["term"]: row for row in frame.to_dict("records")}


def test_a_phrase_is_listed_instead_of_its_words(con: Any) -> None:
    terms = rising(con)
    first_look = terms["first look"]
    assert (first_look["count"], first_look["baseline_count"]) == (30, 0)
    assert first_look["words"] == 2 and first_look["authors"] == 20
    assert "first" not in terms  # every "first" is in "first look"
    # "look" rose on its own as well (50 uses, 30 of them in "first look"): it stays.
    assert terms["look"]["count"] == 50


def test_fan_filler_stop_words_and_numbers_are_not_terms(con: Any) -> None:
    terms = set(rising(con))
    assert {"literally", "screaming", "omg", "ate", "times", "the", "at", "is"}.isdisjoint(terms)
    assert not any(term.split()[0] in {"20", "the", "at"} for term in terms)
    assert not any(term.split()[-1] in {"the", "at", "here"} for term in terms)
    assert "season 2 soundtrack" in terms  # a number inside a phrase is fine
    assert not any("http" in term or "t.co" in term for term in terms)


def test_watched_names_aliases_and_hashtags_are_left_out(con: Any) -> None:
    terms = set(rising(con))
    assert {"alpha", "forever", "#alphaforever", "xavier", "example"}.isdisjoint(terms)
    assert not any("forever" in term or "xavier" in term for term in terms)
    assert "#firstlook" in terms
    assert "interview" in terms  # a watched name ends a phrase; the words after it stay
    # Without the aliases only the names in the database are known.
    plain = set(trending_terms(con, TARGET, BASELINE, limit=100)["term"])
    assert "forever" in plain or any("forever" in term for term in plain)


def test_one_account_repeating_itself_is_not_a_trend(con: Any) -> None:
    assert {"cheap", "followers", "cheap followers"}.isdisjoint(rising(con))
    alone = rising(con, min_authors=1)
    assert alone["cheap followers"]["authors"] == 1
    assert alone["cheap followers"]["count"] == 12


def test_stop_words_of_each_posts_language(con: Any) -> None:
    terms = set(rising(con))
    assert {"la", "de", "es", "el", "die", "von", "ist"}.isdisjoint(terms)
    assert not any(set(term.split()) & {"la", "de", "el", "y", "die", "von"} for term in terms)
    assert "temporada" in terms or any("temporada" in term for term in terms)
    assert any("staffel" in term for term in terms)
    english_only = set(rising(con, stop_langs=["en"]))
    assert "ist" in english_only or any("ist" in term.split() for term in english_only)


def test_options_are_checked(con: Any) -> None:
    with pytest.raises(ValueError, match="min_authors"):
        trending_terms(con, TARGET, BASELINE, min_authors=0)
    with pytest.raises(ValueError, match="phrase_share"):
        trending_terms(con, TARGET, BASELINE, phrase_share=1.5)


def test_windows_read_phrases_too(con: Any) -> None:
    window = TermWindow("show:alpha", BASELINE.start, TARGET.start, TARGET.end)  # type: ignore[arg-type]
    frame = rising_terms_by_window(con, [window], options=TermOptions(watched=WATCHED))[0]
    assert {"first look", "look", "#firstlook"} <= set(frame["term"])
    assert "first" not in set(frame["term"])


def test_watched_terms_come_from_the_watchlist() -> None:
    watchlist = load_config(REPO / "config" / "fanpulse.toml").watchlist
    watched = set(watched_terms(watchlist))
    assert {"heartstopper", "heartstopper forever", "#heartstopper", "kit connor", "kit"} <= watched
    assert not any("mental health" in term for term in watched)  # themes stay in
