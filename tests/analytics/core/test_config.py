"""Config and watchlist loading: the shipped defaults load; every mistake is one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from analytics.core.config import MIN_INTERVAL_ENV, ConfigError, load_config
from analytics.core.units import parse_duration, parse_size
from collector.sources import build_sources
from tests.conftest import REPO, write_config
from tests.e2e.test_cli import FANPULSE

SMALL_WATCHLIST = """
[[shows]]
id = "heartstopper"
name = "Heartstopper"
aliases = ["Heartstopper"]

[[shows.characters]]
id = "nick-nelson"
name = "Nick Nelson"
"""


def test_shipped_config_and_watchlist_load_and_build() -> None:
    config = load_config(REPO / "config" / "fanpulse.toml")
    sources = build_sources(config)
    assert len(sources) >= 5
    kinds = {s.kind for s in sources}
    assert kinds == {"rss", "mastodon", "wikipedia", "ao3", "youtube", "bluesky", "reddit"}
    entity_ids = {e.entity_id for e in config.watchlist.entities()}
    for source in sources:
        if source.kind == "wikipedia":
            assert set(source.channels()) <= entity_ids  # every article names a real entity
    ids = {e.entity_id for e in config.watchlist.entities()}
    assert {"show:heartstopper", "person:kit-connor", "character:nick-nelson"} <= ids
    assert {"ship:nick-charlie", "show:young-royals", "show:red-white-royal-blue"} <= ids
    assert {"show:handsome-devil", "theme:representation", "theme:queer-joy"} <= ids


def test_env_var_selects_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_config(tmp_path, [])
    monkeypatch.setenv("FANPULSE_CONFIG", str(path))
    assert load_config().path == path


def test_database_env_var_overrides_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(tmp_path, [])
    monkeypatch.setenv("FANPULSE_DB", str(tmp_path / "other.duckdb"))
    assert load_config(path).database_path == tmp_path / "other.duckdb"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("45s", 45), ("15m", 900), ("6h", 21600), ("1d", 86400), ("250ms", 0.25), (30, 30)],
)
def test_durations(text: object, expected: float) -> None:
    assert parse_duration(text) == timedelta(seconds=expected)


def test_sizes() -> None:
    assert parse_size("5MB") == 5_000_000
    assert parse_size("512kb") == 512_000
    assert parse_size(1024) == 1024


def _config_with(tmp_path: Path, body: str, watchlist: str = SMALL_WATCHLIST) -> Path:
    (tmp_path / "watchlist.toml").write_text(watchlist, encoding="utf-8")
    path = tmp_path / "fanpulse.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "key", "problem"),
    [
        ("[collector]\ndefault_interval = 'often'", "collector.default_interval", "not a duration"),
        ("[databse]\npath = 'x'", "databse", "unknown key"),
        (
            "[[sources]]\nkind = 'rss'\nname = 'Bad Name'\nurl = 'http://x'",
            "sources[0] (Bad Name).name",
            "lower-case",
        ),
        (
            "[[sources]]\nkind = 'rss'\nname = 'a'\nurl = 'http://x'\n"
            "[[sources]]\nkind = 'rss'\nname = 'a'\nurl = 'http://y'",
            "",
            "'a' is used twice",
        ),
        (
            "[[sources]]\nkind = 'rss'\nname = 'a'\nurl = 'http://x'\ninterval = '0s'",
            "interval",
            "longer than zero",
        ),
        (
            "[[sources]]\nkind = 'rss'\nname = 'a'\nurl = 'http://x'\nshow = 'skins'",
            "sources.a.show",
            "no show 'skins'",
        ),
    ],
)
def test_config_mistakes_name_file_key_and_problem(
    tmp_path: Path, body: str, key: str, problem: str
) -> None:
    path = _config_with(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert key in message and problem in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("source", "key", "problem"),
    [
        ("kind = 'rss'\nname = 'a'", "sources.a.url", "Field required"),
        ("kind = 'rss'\nname = 'a'\nurl = 'ftp://x'", "sources.a.url", "not an http(s) URL"),
        ("kind = 'rss'\nname = 'a'\nurl = 'http://x'\nurll = 'y'", "sources.a.urll", "unknown key"),
        ("kind = 'tiktok'\nname = 'a'", "sources[0] (a).kind", "unknown kind 'tiktok'"),
    ],
)
def test_source_mistakes_are_caught_when_sources_are_built(
    tmp_path: Path, source: str, key: str, problem: str
) -> None:
    config = load_config(_config_with(tmp_path, "[[sources]]\n" + source))
    with pytest.raises(ConfigError) as caught:
        build_sources(config)
    assert key in str(caught.value) and problem in str(caught.value)


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")
    path = _config_with(tmp_path, "watchlist = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_watchlist_mistakes_name_the_watchlist_file(tmp_path: Path) -> None:
    broken = (
        SMALL_WATCHLIST + "\n[[shows.people]]\nid = 'kit-connor'\nname = 'Kit'\nplays = ['nick']\n"
    )
    path = _config_with(tmp_path, "", watchlist=broken)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(str(tmp_path / "watchlist.toml"))
    assert "plays" in str(caught.value) and "no character 'nick'" in str(caught.value)


SOURCE = "[[sources]]\nkind = 'rss'\nname = 'a'\nurl = 'http://127.0.0.1:9/x'\n"


@pytest.mark.parametrize(
    ("body", "key", "problem"),
    [
        (
            SOURCE + "interval = '1ms'",
            "sources[0] (a).interval",
            "'1ms' is too short: at least 10s",
        ),
        (SOURCE + "interval = '9.5s'", "sources[0] (a).interval", "too short: at least 10s"),
        ("[collector]\ndefault_interval = '5s'", "collector.default_interval", "too short"),
        ("[alerts]\ncheck_every = '1s'", "alerts.check_every", "too short: at least 10s"),
        ("[database]\nsnapshot_every = '500ms'", "database.snapshot_every", "too short"),
        (
            SOURCE + "interval = '99999999999d'",
            "sources[0] (a).interval",
            "'99999999999d' is too long: at most 365d",
        ),
        ("[collector]\ndefault_interval = '366d'", "collector.default_interval", "too long"),
        ("[database]\nlock_timeout = 1e300", "database.lock_timeout", "too long"),
        ("[alerts]\nlookback = inf", "alerts.lookback", "too long"),
    ],
    ids=[
        "source-1ms",
        "source-9.5s",
        "default-5s",
        "check-1s",
        "snapshot-500ms",
        "source-overflow",
        "default-366d",
        "lock-1e300",
        "lookback-inf",
    ],
)
def test_intervals_below_the_floor_and_overflowing_durations_are_one_line_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, key: str, problem: str
) -> None:
    monkeypatch.delenv(MIN_INTERVAL_ENV, raising=False)  # the floor a user's config meets
    path = _config_with(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: ")
    assert problem in message and "\n" not in message


def test_the_floor_and_the_ceiling_themselves_are_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MIN_INTERVAL_ENV, raising=False)
    body = SOURCE + "interval = '10s'\n[collector]\ndefault_interval = '365d'"
    config = load_config(_config_with(tmp_path, body))
    assert config.sources[0].interval == timedelta(seconds=10)
    assert config.collector.default_interval == timedelta(days=365)
    assert config.database.snapshot_every == timedelta(hours=6)


def test_the_test_floor_comes_only_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _config_with(tmp_path, SOURCE + "interval = '2s'")
    monkeypatch.setenv(MIN_INTERVAL_ENV, "1s")
    assert load_config(path).sources[0].interval == timedelta(seconds=2)
    monkeypatch.setenv(MIN_INTERVAL_ENV, "5s")
    with pytest.raises(ConfigError, match="'2s' is too short: at least 5s"):
        load_config(path)
    monkeypatch.setenv(MIN_INTERVAL_ENV, "soon")
    with pytest.raises(ConfigError, match="FANPULSE_MIN_INTERVAL: 'soon' is not a duration"):
        load_config(path)


@pytest.mark.parametrize("interval", ["1ms", "99999999999d"])
def test_cli_meets_a_bad_interval_with_one_line_and_exit_2(tmp_path: Path, interval: str) -> None:
    path = _config_with(tmp_path, SOURCE + f"interval = '{interval}'")
    env = {k: v for k, v in os.environ.items() if k != MIN_INTERVAL_ENV}
    for command in (["sources"], ["collect", "--once"], ["status"]):
        result = subprocess.run(
            [FANPULSE, "--config", str(path), *command],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert result.returncode == 2, (command, result.stderr)
        assert result.stderr.strip().splitlines() == [
            f"config error: {path}: sources[0] (a).interval: '{interval}' is too "
            + ("short: at least 10s" if interval == "1ms" else "long: at most 365d")
        ]


def test_source_specs_list_enabled_sources_with_their_interval(tmp_path: Path) -> None:
    feed = {"kind": "rss", "url": "http://127.0.0.1:9/feed.xml"}
    path = write_config(
        tmp_path,
        [
            {**feed, "name": "fast", "interval": "2m"},
            {**feed, "name": "usual"},
            {**feed, "name": "off", "enabled": False},
        ],
        collector={"default_interval": "45m"},
    )
    specs = load_config(path).source_specs()
    assert [(s.name, s.kind, s.interval) for s in specs] == [
        ("fast", "rss", timedelta(minutes=2)),
        ("usual", "rss", timedelta(minutes=45)),
    ]


def test_the_watchlist_loads_without_the_config_module(tmp_path: Path) -> None:
    # The watchlist is read by the config, so it must not need the config back.
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text(SMALL_WATCHLIST, encoding="utf-8")
    code = (
        "import sys; from pathlib import Path\n"
        "from analytics.core.watchlist import load_watchlist\n"
        f"load_watchlist(Path({str(watchlist)!r}))\n"
        "assert 'analytics.core.config' not in sys.modules, 'watchlist imported the config'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.returncode == 0, result.stderr
