"""The fault suite: hostile input, hostile networks and killed processes never crash a run,
never leave a partial write, and never lose or duplicate what was served."""

from __future__ import annotations

import asyncio
import errno
import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.store import run_query
from analytics.store import write as store
from collector.daemon import run_daemon
from collector.once import collect_once
from collector.spool import Spool
from tests.e2e.test_cli import fanpulse
from tests.support.daemon_harness import (
    GrowingFeed,
    kill_and_recover,
    stored_titles,
    stored_titles_from_another_process,
)
from tests.support.feedserver import FeedServer, Reply

SQL_TEXT = "Robert'); DROP TABLE posts;-- loves Heartstopper"
# The feeds of the corpus whose one post must be stored despite their flaws.
STORED = (
    "good",
    "ill-formed",
    "cp1252",
    "huge-post",
    "control-chars",
    "script-and-sql",
    "absurd-date",
)


def rss(*items: str, encoding: str = "utf-8") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>t</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode(encoding if encoding != "windows-1252" else "cp1252")


def item(guid: str, title: str, body: str = "", date: str = "Mon, 01 Sep 2025 10:00:00 GMT") -> str:
    return (
        f"<item><guid>{guid}</guid><title>{title}</title>"
        f"<description>{body}</description><pubDate>{date}</pubDate></item>"
    )


def test_a_corpus_of_bad_input_gives_clear_errors_and_keeps_what_is_good(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    huge = "Heartstopper " + "a" * 1_000_000
    feeds = {
        "good": Reply(body=rss(item("g1", "Heartstopper season 3 review"))),
        "ill-formed": Reply(
            body=b'<?xml version="1.0"?><rss version="2.0"><channel><item><guid>b1</guid>'
            b"<title>Kit Connor & Joe Locke <b>talk</title></item></channel>"
        ),
        "not-a-feed": Reply(body=b"<html><body>Login</body></html>", content_type="text/html"),
        "cp1252": Reply(
            body=rss(
                item("c1", "Heartstopper caf\u00e9 scene \u2014 wow"), encoding="windows-1252"
            ),
            content_type="application/rss+xml; charset=windows-1252",
        ),
        "huge-post": Reply(body=rss(item("h1", "Heartstopper", huge))),
        "control-chars": Reply(body=rss(item("x1", "Heartstopper\x0b\u202e news\u200b"))),
        "script-and-sql": Reply(
            body=rss(
                item(
                    "s1",
                    "Heartstopper",
                    "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;" + SQL_TEXT + "&lt;/b&gt;",
                )
            )
        ),
        "absurd-date": Reply(
            body=rss(item("d1", "Heartstopper news", date="Fri, 01 Jan 9999 00:00:00 GMT"))
        ),
        "gzip-bomb": Reply(body=b"\0" * 50_000_000, gzip=True),
        "reset-mid-body": Reply(body=rss(item("r1", "Heartstopper")) * 50, reset_after=100),
        "empty-200": Reply(body=b""),
    }
    sources = [
        {"kind": "rss", "name": name, "url": feed_server.route(f"/{name}", reply)}
        for name, reply in feeds.items()
    ]
    statuses = [
        json.dumps(
            [
                {"id": 7, "content": None, "created_at": "not a date", "uri": 5},
                "not even an object",
                {
                    "id": "115",
                    "uri": "https://example.org/statuses/115",
                    "url": "https://example.org/@fan/115",
                    "created_at": "2026-11-20T10:00:00.000Z",
                    "content": "<p>Heartstopper forever</p>",
                    "account": {"acct": "fan@example.org", "display_name": "fan"},
                    "favourites_count": "many",
                    "reblogs_count": None,
                    "replies_count": 2,
                    "language": "en",
                    "tags": [],
                },
            ]
        ).encode(),
        b'{"error": "this is not a list of statuses"}',
    ]
    feed_server.route(
        "/api/v1/timelines/tag/heartstopper",
        Reply(body=statuses[0], content_type="application/json"),
    )
    feed_server.route(
        "/api/v1/timelines/tag/broken", Reply(body=statuses[1], content_type="application/json")
    )
    feed_server.route(
        "/api/v1/timelines/tag/garbage",
        Reply(body=b"<html>\xff\xfe oops", content_type="application/json"),
    )
    sources.append(
        {
            "kind": "mastodon",
            "name": "mastodon",
            "base_url": feed_server.base_url,
            "tags": ["heartstopper", "broken", "garbage"],
        }
    )
    config = make_config(sources, collector={"max_response_size": "2MB"})
    started = time.monotonic()
    runs = asyncio.run(collect_once(load_config(config)))
    assert time.monotonic() - started < 60
    outcome = {(r.source_name, r.channel.rsplit("/", 1)[-1]): r for r in runs}
    by_name = {name: r for (name, _), r in outcome.items() if name != "mastodon"}
    for name in STORED:
        assert by_name[name].status == "ok" and by_name[name].inserted == 1, (
            name,
            by_name[name].error,
        )
    for name, reason in (
        ("not-a-feed", "not"),
        ("gzip-bomb", "limit"),
        ("reset-mid-body", ""),
        ("empty-200", ""),
    ):
        assert by_name[name].status == "error", name
        assert by_name[name].error and reason in by_name[name].error, by_name[name].error
    assert outcome[("mastodon", "heartstopper")].status == "ok"
    assert outcome[("mastodon", "heartstopper")].inserted == 1  # the two malformed skipped
    assert outcome[("mastodon", "broken")].status == "error"
    garbage = outcome[("mastodon", "garbage")]
    assert garbage.status == "error" and "not valid JSON" in (garbage.error or "")

    db = load_config(config).database_path
    rows = dict(run_query(db, "SELECT source_name, count(*) FROM posts GROUP BY 1")[1])
    assert set(rows) == {*STORED, "mastodon"}  # nothing at all from a channel that failed
    text = dict(run_query(db, "SELECT source_name, title || ' ' || text FROM posts")[1])
    assert len(text["huge-post"]) <= 10_500
    assert "\x0b" not in text["control-chars"] and "\u202e" not in text["control-chars"]
    assert "<script" not in text["script-and-sql"] and "alert(1)" not in text["script-and-sql"]
    assert SQL_TEXT in text["script-and-sql"]  # stored as text, harmlessly
    assert "caf\u00e9" in text["cp1252"]
    assert run_query(db, "SELECT count(*) FROM posts")[1][0][0] == 8


def test_a_429_storm_is_bounded_and_pushes_the_next_polls_back(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    storm = Reply(status=429, body=b"slow down", headers={"Retry-After": "3600"})
    sources = [
        {"kind": "rss", "name": f"busy-{i}", "url": feed_server.route(f"/busy/{i}", storm)}
        for i in range(20)
    ]
    config = make_config(sources)
    started = time.monotonic()
    runs = asyncio.run(collect_once(load_config(config)))
    assert time.monotonic() - started < 20  # a long Retry-After is not waited out
    assert all(r.status == "error" and r.http_status == 429 for r in runs)
    assert len(feed_server.requests) == 20  # no retries against an hour's Retry-After
    due = run_query(
        load_config(config).database_path,
        "SELECT min(next_due_at - last_attempt_at) FROM source_state",
    )[1][0][0]
    assert due.total_seconds() >= 3600


@pytest.mark.slow
def test_kill_9_thirty_times_loses_and_duplicates_nothing(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    feeds = [GrowingFeed(f"feed-{i}", period=0.2) for i in range(6)]
    config = make_config(
        [
            {"kind": "rss", "name": f.name, "url": f.route(feed_server), "interval": "1s"}
            for f in feeds
        ],
        database_options={"spool_after": "1s"},
    )
    db = load_config(config).database_path
    code, stored = kill_and_recover(config, feeds, db, tmp_path / "daemon.log", kills=30, seed=30)
    expected = set().union(*(f.expected_post_ids() for f in feeds))
    assert code == 0
    assert len(stored) == len(set(stored)) and set(stored) == expected
    print(f"\n30 kills: {len(expected)} served posts, {len(stored)} stored, 0 duplicates")


def test_gzip_is_really_compressed_in_the_bomb_fixture() -> None:
    # The bomb is small on the wire and huge decoded: that is what the cap must catch.
    assert len(gzip.compress(b"\0" * 50_000_000)) < 100_000


def _status(config: Path) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = fanpulse(config, "status", "--json")
    return result.returncode, json.loads(result.stdout)


def test_disk_full_at_the_storage_boundary_loses_nothing_from_a_rotating_feed(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ENOSPC on every database write for a while, then on every spool write too, against
    feeds that list only their newest items: whatever was served is stored exactly once
    after recovery, and `status` says storage is failing (exit 1) during the episode."""
    feeds = [GrowingFeed(f"rotating-{i}", period=0.3, keep=5) for i in range(2)]
    config = make_config(
        [
            {"kind": "rss", "name": f.name, "url": f.route(feed_server), "interval": "1s"}
            for f in feeds
        ],
        database_options={"spool_after": "1s", "spool_dir": str(tmp_path / "other-disk")},
    )
    loaded = load_config(config)
    db = loaded.database_path
    faults = {"database": False, "spool": False}
    real_insert_runs = store.insert_runs
    real_put = Spool.put

    def insert_runs(con, runs):  # type: ignore[no-untyped-def]
        if faults["database"]:
            raise OSError(errno.ENOSPC, "No space left on device", str(db))
        real_insert_runs(con, runs)

    def put(self, batch):  # type: ignore[no-untyped-def]
        if faults["spool"]:
            raise OSError(errno.ENOSPC, "No space left on device", str(self.directory))
        return real_put(self, batch)

    monkeypatch.setattr(store, "insert_runs", insert_runs)
    monkeypatch.setattr(Spool, "put", put)

    async def scenario() -> dict[str, object]:
        stop = asyncio.Event()
        daemon = asyncio.create_task(run_daemon(loaded, stop))
        seen: dict[str, object] = {}
        try:
            await wait_for(lambda: len(stored_titles_from_another_process(db)) > 0, 30)
            faults["database"] = True
            await asyncio.sleep(4)  # 13 items per feed published, 8 of them rotated out
            seen["spooled"] = len(Spool(loaded.database.spool).pending())
            seen["status_spool"] = await asyncio.to_thread(_status, config)
            faults["spool"] = True
            await asyncio.sleep(4)
            seen["status_memory"] = await asyncio.to_thread(_status, config)
            faults["database"] = faults["spool"] = False
            for feed in feeds:
                feed.freeze()
            expected = set().union(*(f.expected_titles() for f in feeds))
            await wait_for(lambda: expected <= set(stored_titles_from_another_process(db)), 60)
            await asyncio.sleep(2)
            seen["status_after"] = await asyncio.to_thread(_status, config)
        finally:
            stop.set()
            await daemon
        return seen

    seen = asyncio.run(scenario())
    expected = set().union(*(f.expected_titles() for f in feeds))
    stored = stored_titles(db)
    assert len(stored) == len(set(stored))  # every title is a distinct served item
    assert set(stored) == expected
    assert len(expected) > 2 * 25  # far more than the 5 each feed lists at a time
    assert seen["spooled"] > 0
    code, report = seen["status_spool"]  # type: ignore[misc]
    assert code == 1 and report["storage"]["failing"], report
    assert "ENOSPC" in report["storage"]["reason"]
    code, report = seen["status_memory"]  # type: ignore[misc]
    assert code == 1 and report["storage"]["memory_batches"] > 0, report
    assert "spool: ENOSPC" in report["storage"]["reason"]
    _, report = seen["status_after"]  # type: ignore[misc]
    assert not report["storage"]["failing"], report
    assert not Spool(loaded.database.spool).pending()
    runs = run_query(db, "SELECT count(*), count(DISTINCT batch_id) FROM collection_runs")[1][0]
    assert runs[0] == runs[1]


async def wait_for(predicate: Callable[[], bool], timeout: float) -> None:
    """Poll ``predicate`` without blocking the event loop the daemon runs on."""
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(predicate):
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the collector")
        await asyncio.sleep(0.5)
