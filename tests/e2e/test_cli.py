"""The installed `fanpulse` command, run as a user runs it, against loopback feeds."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.feedserver import FeedServer, Reply

FANPULSE = shutil.which("fanpulse", path=str(Path(sys.executable).parent)) or "fanpulse"


def fanpulse(config: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "FANPULSE_CONFIG": str(config)}
    return subprocess.run(
        [FANPULSE, *args], capture_output=True, text=True, timeout=timeout, env=env
    )


@pytest.fixture
def config(feed_server: FeedServer, make_config: Callable[..., Path]) -> Path:
    return make_config(
        [
            {
                "kind": "rss",
                "name": "news",
                "url": feed_server.route("/news", Reply.file("feeds/rss2_news.xml")),
            },
            {
                "kind": "rss",
                "name": "gnews",
                "url": feed_server.route("/g", Reply.file("feeds/google_news_search.xml")),
            },
            {"kind": "rss", "name": "down", "url": feed_server.route("/down", Reply(status=503))},
        ]
    )


def test_collect_once_summarises_and_exits_1_when_a_source_failed(config: Path) -> None:
    result = fanpulse(config, "collect", "--once")
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "Collection summary" in out
    for name in ("news", "gnews", "down"):
        assert name in out
    assert "HTTP 503" in out
    assert "1 of 3 channels failed" in result.stderr

    again = fanpulse(config, "collect", "--once")
    assert again.returncode == 1
    assert "0 new items stored" in again.stdout


def test_collect_once_exits_0_when_all_sources_work(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    url = feed_server.route("/news", Reply.file("feeds/rss2_news.xml"))
    config = make_config([{"kind": "rss", "name": "news", "url": url}])
    result = fanpulse(config, "collect", "--once")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "new items stored" in result.stdout


def test_query_prints_a_table_and_csv(config: Path) -> None:
    fanpulse(config, "collect", "--once")
    table = fanpulse(
        config, "query", "SELECT source_name, count(*) AS n FROM posts GROUP BY 1 ORDER BY 1"
    )
    assert table.returncode == 0, table.stderr
    assert "source_name" in table.stdout and "news" in table.stdout

    as_csv = fanpulse(
        config,
        "query",
        "--csv",
        "SELECT source_name, count(*) AS n FROM posts GROUP BY 1 ORDER BY 1",
    )
    parsed = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert parsed[0] == ["source_name", "n"]
    assert [row[0] for row in parsed[1:]] == ["gnews", "news"]
    assert all(int(row[1]) > 0 for row in parsed[1:])


def test_query_shows_post_text_literally_not_as_console_markup(config: Path) -> None:
    fanpulse(config, "collect", "--once")
    result = fanpulse(
        config, "query", "SELECT '[bold red]Heartstopper[/] [link=file:///etc]x' AS t"
    )
    assert result.returncode == 0, result.stderr
    assert "[bold red]Heartstopper[/] [link=file:///etc]x" in result.stdout


def test_query_refuses_writes_with_a_clear_error(config: Path) -> None:
    fanpulse(config, "collect", "--once")
    result = fanpulse(config, "query", "DROP TABLE posts")
    assert result.returncode == 1
    assert "query failed" in result.stderr and "read-only" in result.stderr
    assert fanpulse(config, "query", "--csv", "SELECT count(*) FROM posts").stdout.split()[1] != "0"


def test_query_before_any_collection_says_what_to_do(config: Path) -> None:
    result = fanpulse(config, "query", "SELECT 1")
    assert result.returncode == 2
    assert "collect --once" in result.stderr


def test_bad_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[collector]\ntimeout = 'forever'\n", encoding="utf-8")
    result = fanpulse(bad, "collect", "--once")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert str(bad) in lines[0] and "collector.timeout" in lines[0] and "not a duration" in lines[0]


def test_sources_lists_each_source_with_its_last_result(config: Path) -> None:
    fanpulse(config, "collect", "--once")
    result = fanpulse(config, "sources")
    assert result.returncode == 0, result.stderr
    for name in ("news", "gnews", "down"):
        assert name in result.stdout
    assert "keyless" in result.stdout
    assert "HTTP 503" in result.stdout


def test_run_collects_on_schedule_and_stops_cleanly_on_sigterm(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    url = feed_server.route("/news", Reply.file("feeds/rss2_news.xml"))
    slow = feed_server.route("/slow", Reply.file("feeds/google_news_search.xml", delay=1.5))
    config = make_config(
        [
            {"kind": "rss", "name": "news", "url": url, "interval": "1s"},
            {"kind": "rss", "name": "slow", "url": slow, "interval": "1s"},
        ]
    )
    env = {**os.environ, "FANPULSE_CONFIG": str(config)}
    daemon = subprocess.Popen(
        [FANPULSE, "--log-level", "info", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while len(feed_server.hits("/news")) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(feed_server.hits("/news")) >= 3, "the daemon did not poll on its interval"
        # Stop while a slow request is in flight: its batch is finished, not torn.
        in_flight = len(feed_server.hits("/slow"))
        while len(feed_server.hits("/slow")) == in_flight and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        daemon.send_signal(signal.SIGTERM)
        stopped_at = time.monotonic()
        out, err = daemon.communicate(timeout=20)
    assert daemon.returncode == 0, err
    assert time.monotonic() - stopped_at < 10
    assert "source=news" in err
    assert "Traceback" not in err and "ERROR" not in err
    runs = fanpulse(config, "query", "--csv", "SELECT count(*) FROM collection_runs")
    assert int(runs.stdout.split()[1]) >= 3
    slow_runs = fanpulse(
        config, "query", "--csv", "SELECT count(*) FROM collection_runs WHERE source_name = 'slow'"
    )
    # every /slow request the server answered was recorded, the last one included
    assert int(slow_runs.stdout.split()[1]) == len(feed_server.hits("/slow"))
