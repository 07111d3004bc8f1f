"""Shared fixtures: the loopback feed server and throw-away configs on temp databases."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from analytics.core.config import MIN_INTERVAL_ENV
from tests.support.feedserver import FeedServer

REPO = Path(__file__).resolve().parent.parent
DEFAULT_WATCHLIST = REPO / "config" / "watchlist.toml"
SHARED = REPO.parent / "shared"

# Tests poll every second or faster; a config a user writes may not go below 10 s. Set here,
# before any test runs, so daemons started as subprocesses inherit it too.
os.environ.setdefault(MIN_INTERVAL_ENV, "1ms")

# Fast, bounded network settings so failure tests finish in seconds.
FAST_COLLECTOR = {
    "timeout": "2s",
    "retries": 1,
    "retry_backoff": "50ms",
    "max_retry_wait": "1s",
    "max_response_size": "1MB",
}


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value))  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + ", ".join(pairs) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def write_config(
    directory: Path,
    sources: list[dict[str, Any]],
    *,
    collector: dict[str, Any] | None = None,
    database: Path | None = None,
    watchlist: Path = DEFAULT_WATCHLIST,
    extra: str = "",
    database_options: dict[str, Any] | None = None,
) -> Path:
    lines = [f"watchlist = {toml_value(watchlist)}", extra, "[database]"]
    lines.append(f"path = {toml_value(database or directory / 'fanpulse.duckdb')}")
    for key, value in {"lock_timeout": "20s", **(database_options or {})}.items():
        lines.append(f"{key} = {toml_value(value)}")
    lines.append("[collector]")
    for key, value in {**FAST_COLLECTOR, **(collector or {})}.items():
        lines.append(f"{key} = {toml_value(value)}")
    for source in sources:
        lines.append("[[sources]]")
        lines.extend(f"{key} = {toml_value(value)}" for key, value in source.items())
    path = directory / "fanpulse.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Path]:
    def make(sources: list[dict[str, Any]], **kwargs: Any) -> Path:
        return write_config(tmp_path, sources, **kwargs)

    return make
