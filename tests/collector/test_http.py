"""The shared client against a real loopback server: retries, 304, 429, timeouts, caps."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from collector.http import Fetcher, FetchError, parse_retry_after
from collector.http_streams import CachedSocketBackend, socket_readable
from collector.settings import CollectorConfig
from tests.support.feedserver import FeedServer, Reply

FAST = CollectorConfig(
    timeout="1s",
    retries=2,
    retry_backoff="20ms",
    max_retry_wait="2s",
    max_response_size="64KB",
    user_agent="fanpulse-test/1.0",
)


def fetch(url: str, settings: CollectorConfig = FAST, **kwargs: object):
    async def go():
        async with Fetcher(settings) as fetcher:
            return await fetcher.get(url, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(go())


def test_polite_user_agent_and_body(feed_server: FeedServer) -> None:
    url = feed_server.route("/feed", Reply(body=b"<rss/>"))
    response = fetch(url)
    assert response.status == 200 and response.content == b"<rss/>"
    assert feed_server.hits("/feed")[0].headers["User-Agent"] == "fanpulse-test/1.0"


def test_conditional_get_gets_304_without_body(feed_server: FeedServer) -> None:
    url = feed_server.route("/feed", Reply(body=b"<rss/>", etag='"v1"'))
    response = fetch(url, headers={"If-None-Match": '"v1"'})
    assert response.not_modified and response.content == b""
    assert feed_server.hits("/feed")[0].headers["If-None-Match"] == '"v1"'


def test_unchanged_feeds_reuse_one_connection(feed_server: FeedServer) -> None:
    """A 304 is read to its (empty) end, so the connection goes back to the pool: polling
    unchanged feeds costs no new TCP (and, on HTTPS, TLS) handshake each."""
    urls = [feed_server.route(f"/same/{i}", Reply(body=b"<rss/>", etag='"v1"')) for i in range(8)]

    async def poll() -> list[bool]:
        async with Fetcher(FAST) as fetcher:
            return [
                (await fetcher.get(url, headers={"If-None-Match": '"v1"'})).not_modified
                for url in urls
            ]

    assert asyncio.run(poll()) == [True] * 8
    peers = {r.peer for r in feed_server.requests if r.path.startswith("/same/")}
    assert len(peers) == 1


def test_server_error_is_retried_then_succeeds(feed_server: FeedServer) -> None:
    url = feed_server.route("/flaky", Reply(status=500), Reply(status=503), Reply(body=b"ok"))
    assert fetch(url).content == b"ok"
    assert len(feed_server.hits("/flaky")) == 3


def test_persistent_server_error_fails_after_retries(feed_server: FeedServer) -> None:
    url = feed_server.route("/down", Reply(status=500, body=b"boom"))
    with pytest.raises(FetchError, match="HTTP 500") as caught:
        fetch(url)
    assert caught.value.status == 500
    assert len(feed_server.hits("/down")) == FAST.retries + 1


def test_client_error_is_not_retried(feed_server: FeedServer) -> None:
    url = feed_server.route("/gone", Reply(status=404))
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(url)
    assert len(feed_server.hits("/gone")) == 1


def test_short_retry_after_is_waited_then_retried(feed_server: FeedServer) -> None:
    url = feed_server.route(
        "/limited", Reply(status=429, headers={"Retry-After": "1"}), Reply(body=b"ok")
    )
    started = time.monotonic()
    assert fetch(url).content == b"ok"
    assert time.monotonic() - started >= 0.9  # it waited as asked, not its own backoff
    assert len(feed_server.hits("/limited")) == 2


def test_long_retry_after_ends_the_attempt_and_reports_the_wait(feed_server: FeedServer) -> None:
    url = feed_server.route("/limited", Reply(status=429, headers={"Retry-After": "3600"}))
    with pytest.raises(FetchError) as caught:
        fetch(url)
    assert caught.value.status == 429 and caught.value.retry_after == 3600
    assert len(feed_server.hits("/limited")) == 1


def test_timeout_is_bounded_and_retried(feed_server: FeedServer) -> None:
    url = feed_server.route("/slow", Reply(body=b"late", delay=3))
    started = time.monotonic()
    with pytest.raises(FetchError, match="timeout|timed out"):
        fetch(url)
    elapsed = time.monotonic() - started
    assert elapsed < (FAST.retries + 1) * 1.0 + 1.5
    assert len(feed_server.hits("/slow")) == FAST.retries + 1


def test_trickling_server_hits_the_total_deadline(feed_server: FeedServer) -> None:
    url = feed_server.route("/trickle", Reply(body=b"x" * 4096, trickle=0.2))
    settings = FAST.model_copy(update={"retries": 0})
    started = time.monotonic()
    with pytest.raises(FetchError, match="timeout"):
        fetch(url, settings)
    assert time.monotonic() - started < 2.5


def test_declared_oversized_body_is_refused_without_retry(feed_server: FeedServer) -> None:
    url = feed_server.route("/big", Reply(body=b"x" * 100_000))
    with pytest.raises(FetchError, match="exceeds the 64,000-byte limit"):
        fetch(url)
    assert len(feed_server.hits("/big")) == 1


def test_endless_body_stops_at_the_cap(feed_server: FeedServer) -> None:
    url = feed_server.route("/endless", Reply(endless=True))
    with pytest.raises(FetchError, match="stopped reading"):
        fetch(url)


def test_gzip_bomb_is_capped_on_decoded_size(feed_server: FeedServer) -> None:
    url = feed_server.route("/bomb", Reply(body=b"\0" * 5_000_000, gzip=True))
    with pytest.raises(FetchError, match="limit"):
        fetch(url)


def test_gzip_body_is_decoded(feed_server: FeedServer) -> None:
    url = feed_server.route("/gz", Reply(body=b"<rss>hello</rss>", gzip=True))
    assert fetch(url).content == b"<rss>hello</rss>"


def test_redirect_loop_is_an_error(feed_server: FeedServer) -> None:
    url = feed_server.route("/loop", Reply(status=302, headers={"Location": "/loop"}))
    with pytest.raises(FetchError, match="redirect"):
        fetch(url)


def test_redirect_is_followed(feed_server: FeedServer) -> None:
    feed_server.route("/new", Reply(body=b"moved here"))
    url = feed_server.route("/old", Reply(status=301, headers={"Location": "/new"}))
    response = fetch(url)
    assert response.content == b"moved here" and response.url.endswith("/new")


def test_connection_refused_is_a_network_error() -> None:
    settings = FAST.model_copy(update={"retries": 0})
    with pytest.raises(FetchError, match="cannot connect to 127.0.0.1"):
        fetch("http://127.0.0.1:9/feed", settings)


def test_retry_after_parses_seconds_and_dates() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Thu, 01 Jan 2026 12:02:00 GMT", now) == 120
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_idle_connection_closed_by_the_server_reads_as_readable() -> None:
    """The pool's "is this idle connection dead?" check: a live idle socket is not
    readable, one the other side closed is (so the pool drops it instead of reusing it)."""
    ours, theirs = socket.socketpair()
    try:
        assert socket_readable(ours) is False
        theirs.close()
        assert socket_readable(ours) is True
    finally:
        ours.close()
    assert socket_readable(ours) is True  # closed here too: never reused


def test_the_shared_client_pools_through_the_cached_socket_backend() -> None:
    async def backend() -> object:
        async with Fetcher(FAST) as fetcher:
            return fetcher._client._transport._pool._network_backend  # type: ignore[attr-defined]

    assert isinstance(asyncio.run(backend()), CachedSocketBackend)
