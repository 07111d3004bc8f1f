"""Stories, not copies: loopback feeds → collection → a real DuckDB file; copies share a story.

Each test serves feeds whose items it writes itself, then compares the links and titles it
served with what was stored: every copy is kept as a post, and copies share one story_id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb

from analytics.core.config import load_config
from analytics.store import run_query
from analytics.store.schema import migrate
from collector.once import collect_once
from collector.spool import Spool
from tests.e2e.test_cli import fanpulse
from tests.support.daemon_harness import hold_read_write
from tests.support.feedserver import FeedServer, Reply

DAY = "Tue, 24 Nov 2026"
ARTICLE = "/2026/11/24/joe-locke-charlie-spring-goodbye-heartstopper"
HEADLINE = "Joe Locke on saying goodbye to Charlie Spring in Heartstopper: 'I cried the whole day'"
STORY_TEXT = (
    "Joe Locke has opened up about filming his final scenes as Charlie Spring in the "
    "Heartstopper Forever film, saying the cast spent the last day on set in tears. The actor "
    "said the series changed his life and thanked the fans who wrote to him about coming out. "
    "Kit Connor, who plays Nick Nelson, joined him for a last walk around the school set "
    "before the crew wrapped shooting in Kent."
)


def item(title: str, link: str, *, text: str = "", guid: str | None = None, time: str = "14:02",
         extra: str = "") -> str:  # fmt: skip
    guid_xml = f'<guid isPermaLink="false">{escape(guid)}</guid>' if guid else ""
    return (
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link>{guid_xml}"
        f"<pubDate>{DAY} {time}:00 GMT</pubDate>"
        f"<description>{escape(text or title)}</description>{extra}</item>"
    )


def feed(*items: str) -> Reply:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel>'
        f"<title>t</title><link>https://example.org/</link>{''.join(items)}</channel></rss>"
    )
    return Reply(body=body.encode("utf-8"))


def collect(
    server: FeedServer, make_config: Callable[..., Path], feeds: dict[str, Reply]
) -> list[tuple[str, str, str]]:
    """Serve ``feeds``, collect them once; (url, title, story_id) of every stored post."""
    config = make_config(
        [
            {"kind": "rss", "name": name, "url": server.route(f"/{name}", reply)}
            for name, reply in feeds.items()
        ]
    )
    runs = asyncio.run(collect_once(load_config(config)))
    assert {r.status for r in runs} == {"ok"}, [r.error for r in runs]
    return run_query(
        load_config(config).database_path,
        "SELECT url, title, story_id FROM posts ORDER BY url, title",
    )[1]


def stories(stored: list[tuple[str, str, str]]) -> list[set[tuple[str, str]]]:
    """The stored posts grouped by story: each story as its set of (url, title)."""
    groups: dict[str, set[tuple[str, str]]] = {}
    for url, title, story in stored:
        groups.setdefault(story, set()).add((url, title))
    return sorted(groups.values(), key=sorted)


def test_pinknews_three_copies_are_one_story(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    permalink = f"https://www.pinknews.co.uk{ARTICLE}/"
    google = "https://news.google.com/rss/articles/CBMiiAFBVV95cUx7CPTh9lKy?oc=5"
    gnews = item(
        f"{HEADLINE} - PinkNews",
        google,
        guid="CBMiiAFBVV95cUx7CPTh9lKy",
        extra='<source url="https://www.pinknews.co.uk">PinkNews</source>',
    )
    own = item(HEADLINE, permalink, time="13:58")
    shortlink = item(HEADLINE, permalink, guid="https://www.pinknews.co.uk/?p=771234",
                     time="13:58")  # fmt: skip
    stored = collect(
        feed_server,
        make_config,
        {"gnews": feed(gnews), "pinknews": feed(own), "wordpress": feed(shortlink)},
    )

    assert sorted((url, title) for url, title, _ in stored) == sorted(
        [(google, f"{HEADLINE} - PinkNews"), (permalink, HEADLINE), (permalink, HEADLINE)]
    )
    assert len({story for _, _, story in stored}) == 1


def test_tracking_parameters_and_spelling_of_the_link_do_not_split_a_story(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    plain = "https://www.example.com/news/heartstopper-forever-review"
    tracked = (
        "http://EXAMPLE.com/news/heartstopper-forever-review/?utm_source=rss&utm_medium=feed"
        "&fbclid=IwAR0abc&ref=twitter#comments"
    )
    # A parameter that names the page is kept: this is another article.
    other = "https://www.example.com/news/heartstopper-forever-review?page=2"
    stored = collect(
        feed_server,
        make_config,
        {
            "a": feed(item("Heartstopper review", plain)),
            "b": feed(item("Heartstopper: the review", tracked)),
            "c": feed(item("Heartstopper, page two", other)),
        },
    )

    assert stories(stored) == [
        {(plain, "Heartstopper review"), (tracked, "Heartstopper: the review")},
        {(other, "Heartstopper, page two")},
    ]


def test_feedburner_origlink_joins_the_publishers_own_item(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    redirect = "https://feeds.feedburner.com/~r/fansite/~3/abc123/heartstopper-news"
    original = "https://fansite.example/heartstopper-news"
    burned = item(
        "Heartstopper news",
        redirect,
        extra=f"<feedburner:origLink>{original}</feedburner:origLink>",
    )
    stored = collect(
        feed_server,
        make_config,
        {"burned": feed(burned), "site": feed(item("Heartstopper news!", original))},
    )

    assert stories(stored) == [{(original, "Heartstopper news!"), (redirect, "Heartstopper news")}]


def test_syndicated_copy_under_another_url_joins_by_its_text(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    first = "https://www.pinknews.co.uk/2026/11/24/locke-goodbye"
    copy = "https://www.yahoo.example/entertainment/locke-heartstopper-goodbye-0912.html"
    stored = collect(
        feed_server,
        make_config,
        {
            "pinknews": feed(item("Locke says goodbye", first, text=STORY_TEXT)),
            # Another outlet's headline, a credit line added: the same article.
            "yahoo": feed(
                item(
                    "Heartstopper star in tears",
                    copy,
                    text=STORY_TEXT + " (PinkNews)",
                    time="18:30",
                )  # fmt: skip
            ),
        },
    )

    assert stories(stored) == [
        {(first, "Locke says goodbye"), (copy, "Heartstopper star in tears")}
    ]


def test_different_posts_stay_apart(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    # The same short title on two different articles; the same long-enough headline on a
    # different day; two different texts on one day that share a topic and many words.
    other_text = (
        "Kit Connor has spoken about filming his final scenes as Nick Nelson in the "
        "Heartstopper Forever film, saying the crew threw a party on the last night in Kent. "
        "The actor said the books changed how he sees himself and thanked the readers who "
        "sent him letters. Joe Locke, who plays Charlie Spring, gave a speech to the cast "
        "before everyone left the school set."
    )
    items = {
        "a": feed(item("Heartstopper", "https://a.example/one")),
        "b": feed(item("Heartstopper", "https://b.example/two")),
        "c": feed(item("Locke says goodbye", "https://c.example/1", text=STORY_TEXT)),
        "d": feed(item("Connor looks back", "https://d.example/2", text=other_text)),
    }
    stored = collect(feed_server, make_config, items)

    assert len(stored) == 4
    assert len({story for _, _, story in stored}) == 4


def test_same_headline_two_days_apart_is_two_stories(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    weekly = "Heartstopper Forever: everything we know so far about the finale"
    late = item(weekly, "https://b.example/know", time="10:00").replace(DAY, "Fri, 27 Nov 2026")
    stored = collect(
        feed_server,
        make_config,
        {"a": feed(item(weekly, "https://a.example/know")), "b": feed(late)},
    )

    assert len({story for _, _, story in stored}) == 2


def test_spooled_copies_are_linked_when_the_spool_is_stored(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    """The file is held while collecting: both copies wait in the spool (the origLink with
    them), and are linked when the next run stores the spool."""
    redirect = "https://feeds.feedburner.com/~r/fansite/~3/abc123/heartstopper-news"
    original = "https://fansite.example/heartstopper-news"
    burned = item(
        "Heartstopper news",
        redirect,
        extra=f"<feedburner:origLink>{original}</feedburner:origLink>",
    )
    # Each feed is served once; later polls find it empty, so only the spool stores posts.
    config = make_config(
        [
            {"kind": "rss", "name": "burned", "url": feed_server.route("/b", feed(burned), feed())},
            {
                "kind": "rss",
                "name": "site",
                "url": feed_server.route("/s", feed(item("Heartstopper news!", original)), feed()),
            },
        ],
        database_options={"spool_after": "1s", "lock_timeout": "30s"},
    )
    loaded = load_config(config)
    holder = hold_read_write(loaded.database_path, 60)
    try:
        held = fanpulse(config, "collect", "--once")
    finally:
        holder.terminate()
        holder.wait(timeout=10)
    assert held.returncode == 0, held.stdout + held.stderr
    spool = Spool(loaded.database.spool)
    assert len(spool.pending()) == 2

    again = fanpulse(config, "collect", "--once")

    assert again.returncode == 0, again.stdout + again.stderr
    assert not spool.pending()
    stored = run_query(loaded.database_path, "SELECT url, title, story_id FROM posts")[1]
    assert stories(stored) == [{(original, "Heartstopper news!"), (redirect, "Heartstopper news")}]


def test_old_file_is_linked_when_upgraded(tmp_path: Path) -> None:
    """A file from before story keys: the upgrade links its copies and keeps every row."""
    path = tmp_path / "old.duckdb"
    rows = [
        ("rss:https://www.pinknews.co.uk/?p=1", "https://pinknews.co.uk/a/", HEADLINE, "13:58"),
        ("rss:gn-1", "https://news.google.com/rss/articles/x", f"{HEADLINE} - PinkNews", "14:02"),
        ("rss:https://pinknews.co.uk/a", "https://www.pinknews.co.uk/a?utm_source=x", "A", "15:00"),
        ("rss:https://other.example/b", "https://other.example/b", "Heartstopper", "16:00"),
    ]
    with duckdb.connect(str(path)) as con:
        migrate(con, upto=10)
        for post_id, url, title, time in rows:
            con.execute(
                """
                INSERT INTO posts (post_id, source, source_name, channel, url, author, title,
                    text, created_at, collected_at, vader_compound, sentiment, sentiment_label,
                    sentiment_version, content_hash, post_kind, story_id)
                VALUES (?, 'rss', 'n', 'c', ?, 'PinkNews', ?, ?, ?, ?, 0, 0, 'neutral', 'v',
                        'h', 'article', ?)
                """,
                [post_id, url, title, title, f"2026-11-24 {time}:00+00",
                 f"2026-11-24 {time}:00+00", post_id],
            )  # fmt: skip
        migrate(con)
        stored = con.execute("SELECT post_id, story_id FROM posts ORDER BY post_id").fetchall()

    assert dict(stored) == {
        "rss:https://www.pinknews.co.uk/?p=1": "rss:https://www.pinknews.co.uk/?p=1",
        "rss:gn-1": "rss:https://www.pinknews.co.uk/?p=1",
        "rss:https://pinknews.co.uk/a": "rss:https://www.pinknews.co.uk/?p=1",
        "rss:https://other.example/b": "rss:https://other.example/b",
    }
