"""``[collector]`` settings: declared by the collector, still checked when the file is loaded."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from analytics.core.config import MIN_INTERVAL_ENV, ConfigError, load_config
from collector.settings import CollectorConfig, collector_settings
from tests.conftest import toml_value, write_config
from tests.e2e.test_cli import FANPULSE

MISTAKES = [
    ("retries", -1, "greater than or equal to 0"),
    ("timeout", "forever", "not a duration"),
    ("timeout", "99999999999d", "too long"),
    ("retry_backoff", float("nan"), "not a duration"),
    ("max_response_size", "5 parsecs", "not a size"),
    ("user_agent", "two\nlines", "non-empty single line"),
    ("timout", "5s", "unknown key"),
    ("default_interval", "5s", "too short"),
]


def _one_line(error: ConfigError, path: Path, key: str, problem: str) -> None:
    message = str(error)
    assert message.startswith(f"{path}: collector.{key}: ")
    assert problem in message and "\n" not in message


@pytest.mark.parametrize(("key", "value", "problem"), MISTAKES)
def test_the_apps_loader_rejects_a_bad_collector_key_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, value: object, problem: str
) -> None:
    monkeypatch.delenv(MIN_INTERVAL_ENV, raising=False)  # the floor a user's config meets
    # No watchlist file: a bad [collector] key is reported before the watchlist is read.
    path = tmp_path / "fanpulse.toml"
    path.write_text(f"[collector]\n{key} = {toml_value(value)}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, collector=CollectorConfig)
    _one_line(caught.value, path, key, problem)


@pytest.mark.parametrize(("key", "value", "problem"), MISTAKES[:-1])
def test_collector_settings_check_a_config_loaded_without_them(
    tmp_path: Path, key: str, value: object, problem: str
) -> None:
    path = write_config(tmp_path, [], collector={key: value})
    config = load_config(path)  # analytics alone declares only default_interval
    with pytest.raises(ConfigError) as caught:
        collector_settings(config)
    _one_line(caught.value, path, key, problem)


def test_settings_keep_their_values_and_the_shared_default_interval(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        [],
        collector={"default_interval": "365d", "retry_backoff": "50ms", "user_agent": "ua/2"},
    )
    for config in (load_config(path, collector=CollectorConfig), load_config(path)):
        settings = collector_settings(config)
        assert config.collector.default_interval == timedelta(days=365)
        assert settings.default_interval == timedelta(days=365)
        assert settings.retry_backoff == timedelta(milliseconds=50)  # not repeating work
        assert settings.user_agent == "ua/2"
        assert settings.timeout == timedelta(seconds=2)  # from the test config's [collector]


@pytest.mark.parametrize("command", [["sources"], ["status"], ["query", "SELECT 1"]])
def test_every_command_fails_on_a_bad_collector_key(tmp_path: Path, command: list[str]) -> None:
    path = write_config(tmp_path, [], collector={"retries": -1})
    result = subprocess.run(
        [FANPULSE, "--config", str(path), *command], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert str(path) in lines[0] and "collector.retries" in lines[0]
