"""`fanpulse --help` answers without loading the heavy libraries: they are imported inside
the commands that need them. Collecting loads only what collecting needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.feedserver import FeedServer, Reply

HEAVY = ("pandas", "pyarrow", "duckdb", "streamlit", "httpx", "collector")

# Runs the app as the console script does, then reports which heavy modules got imported.
PROBE = """
import json, sys
from fanpulse.cli import app
try:
    app(args=sys.argv[1:], prog_name="fanpulse")
except SystemExit as exit:
    assert exit.code == 0, exit.code
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


@pytest.mark.parametrize("args", [["--help"], ["trends", "--help"], ["collect", "--help"]])
def test_help_imports_no_heavy_library(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "Usage: fanpulse" in done.stdout
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == [], f"`fanpulse {' '.join(args)}` imported {loaded}"


# Memory the collector does not need: dataframes and arrays (~110 MB together).
NOT_FOR_COLLECTING = ("pandas", "pyarrow", "numpy", "streamlit")
# What only a changed feed needs: the feed parser and the sentiment scorer.
ONLY_FOR_NEW_POSTS = ("feedparser", "analytics.sentiment")


def _loaded_by_collect(config: Path, watched: tuple[str, ...]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=watched), "collect", "--once"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "FANPULSE_CONFIG": str(config)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_collecting_loads_no_dataframe_library_and_an_unchanged_poll_no_parser(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    url = feed_server.route("/news", Reply.file("feeds/rss2_news.xml", etag='"v1"'))
    config = make_config([{"kind": "rss", "name": "news", "url": url}])
    watched = NOT_FOR_COLLECTING + ONLY_FOR_NEW_POSTS
    # The first poll stores posts: it parses and scores, and still loads no dataframes.
    assert _loaded_by_collect(config, watched) == sorted(ONLY_FOR_NEW_POSTS)
    assert _loaded_by_collect(config, watched) == []  # every feed answers 304
