"""A cycle is stored in as few transactions as its size allows: every feed's run and state
still recorded, a failing feed among unchanged ones included, nobody waiting long."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import collector.runner as runner
from analytics.core.config import load_config
from analytics.core.models import RunBatch, RunRecord
from analytics.store import run_query
from collector.once import collect_once
from tests.support.feedserver import FeedServer, Reply

FEEDS = 12


def _feed(index: int, items: int = 3) -> bytes:
    entries = "".join(
        f"<item><guid>urn:group:{index}:{i}</guid><title>Heartstopper news {index}-{i}</title>"
        f"<description>Kit Connor talks about season {i + 1}</description></item>"
        for i in range(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{entries}</channel></rss>'.encode()


def _sources(
    server: FeedServer, prefix: str, count: int, *, items: int = 3, etag: bool = False
) -> list[dict[str, str]]:
    """``count`` RSS sources named ``<prefix><i>``, each served at ``/<prefix><i>``."""
    return [
        {
            "kind": "rss",
            "name": f"{prefix}{i}",
            "url": server.route(
                f"/{prefix}{i}",
                Reply(body=_feed(i, items), etag=f'"{prefix}{i}"' if etag else None),
            ),
        }
        for i in range(count)
    ]


@pytest.fixture
def stored_groups(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The source names of each group the collector stored, in order (the real write)."""
    groups: list[list[str]] = []
    real = runner.save_batches

    def recording(path: Path | str, batches: Sequence[RunBatch], **kwargs: Any) -> list[int]:
        result = real(path, batches, **kwargs)
        groups.append([b.run.source_name for b in batches])
        return result

    monkeypatch.setattr(runner, "save_batches", recording)
    return groups


def _rows(config_path: Path, sql: str) -> list[tuple[Any, ...]]:
    return run_query(load_config(config_path).database_path, sql)[1]


def _collect(config_path: Path, on_done: Callable[[RunRecord], None] | None = None):
    return asyncio.run(collect_once(load_config(config_path), on_done=on_done))


def test_an_unchanged_cycle_is_one_write_that_records_every_feed(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    stored_groups: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner, "MAX_HOLD", 30.0)  # a loaded machine must not split the cycle
    config = make_config(_sources(feed_server, "g", FEEDS, etag=True))
    _collect(config)
    stored_groups.clear()

    second = _collect(config)

    assert {r.status for r in second} == {"not_modified"}
    assert len(stored_groups) == 1
    assert sorted(stored_groups[0]) == sorted(f"g{i}" for i in range(FEEDS))
    assert _rows(config, "SELECT count(*) FROM collection_runs WHERE status = 'not_modified'") == [
        (FEEDS,)
    ]
    # every channel's state moved on: its last attempt is the second cycle's
    assert _rows(
        config,
        "SELECT count(*) FROM source_state s JOIN collection_runs r "
        "ON r.source_name = s.source_name AND r.status = 'not_modified' "
        "AND s.last_attempt_at = r.finished_at",
    ) == [(FEEDS,)]


def test_a_failing_feed_among_unchanged_ones_is_recorded_in_the_same_write(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    stored_groups: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner, "MAX_HOLD", 30.0)  # a loaded machine must not split the cycle
    config = make_config(_sources(feed_server, "h", FEEDS, etag=True))
    _collect(config)
    feed_server.route("/h3", Reply(status=500, body=b"down"))
    stored_groups.clear()

    second = {r.source_name: r for r in _collect(config)}

    assert second["h3"].status == "error"
    assert {r.status for name, r in second.items() if name != "h3"} == {"not_modified"}
    assert len(stored_groups) == 1
    assert _rows(
        config,
        "SELECT status, http_status FROM collection_runs WHERE source_name = 'h3' ORDER BY run_id",
    ) == [("ok", 200), ("error", 500)]
    assert _rows(
        config,
        "SELECT consecutive_failures, last_error LIKE '%HTTP 500%', etag "
        "FROM source_state WHERE source_name = 'h3'",
    ) == [(1, True, '"h3"')]  # the failure did not lose the feed's validator


def test_a_slow_feed_holds_the_others_back_no_longer_than_the_hold(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    stored_groups: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner, "MAX_HOLD", 0.2)
    slow = feed_server.route("/slowpoke", Reply(body=_feed(99), delay=1.5))
    config = make_config(
        _sources(feed_server, "q", 4) + [{"kind": "rss", "name": "slowpoke", "url": slow}]
    )
    started = time.monotonic()
    done_after: dict[str, float] = {}

    _collect(config, on_done=lambda r: done_after.setdefault(r.source_name, time.monotonic()))

    assert stored_groups[-1] == ["slowpoke"]
    assert sorted(name for group in stored_groups[:-1] for name in group) == [
        f"q{i}" for i in range(4)
    ]
    # the fast feeds were stored and reported while the slow one was still being fetched
    assert max(done_after[f"q{i}"] for i in range(4)) < done_after["slowpoke"] - 0.5
    assert done_after["slowpoke"] - started >= 1.5
    assert _rows(config, "SELECT count(*) FROM collection_runs WHERE status = 'ok'") == [(5,)]


def test_a_large_cycle_is_split_by_posts(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    stored_groups: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner, "MAX_GROUP_POSTS", 10)
    monkeypatch.setattr(runner, "MAX_HOLD", 30.0)
    config = make_config(_sources(feed_server, "p", 6, items=4))

    runs = _collect(config)

    assert sum(r.inserted for r in runs) == 24
    assert [len(group) for group in stored_groups] == [2, 2, 2]  # 8 posts each, not 12
    assert _rows(config, "SELECT count(*) FROM posts") == [(24,)]


def test_queued_posts_are_stored_before_the_last_fetch_ends(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    stored_groups: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Posts held for a slow fetch are what a collector's size is made of: past
    ``FLUSH_POSTS`` they are stored at once."""
    monkeypatch.setattr(runner, "FLUSH_POSTS", 5)
    monkeypatch.setattr(runner, "MAX_HOLD", 30.0)
    slow = feed_server.route("/mslow", Reply(body=_feed(98), delay=1.0))
    config = make_config(
        _sources(feed_server, "m", 2) + [{"kind": "rss", "name": "mslow", "url": slow}]
    )

    _collect(config)

    assert stored_groups[-1] == ["mslow"]
    assert sorted(name for group in stored_groups[:-1] for name in group) == ["m0", "m1"]
