"""The one loader of ``config/fanpulse.toml``: read, validate once, fail with one clear line.

Everything that reads settings (collector, dashboard, CLI) goes through :func:`load_config`.
Source entries are checked here for the keys every source shares; each source kind checks
its own keys when the collector builds it (``collector.sources``), with the same error form.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from analytics.core.watchlist import Watchlist, load_watchlist

DEFAULT_CONFIG = Path("config/fanpulse.toml")
CONFIG_ENV = "FANPULSE_CONFIG"
DATABASE_ENV = "FANPULSE_DB"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$")
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"B": 1, "KB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000}
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")

# Longer than a year is a typo, and would overflow date arithmetic further on.
MAX_DURATION = timedelta(days=365)
# Work that repeats (polling a source, checking alerts, snapshots) more often than this
# hammers the remote service and keeps the database file locked.
MIN_INTERVAL = timedelta(seconds=10)
# Lowers MIN_INTERVAL, e.g. "1ms": for tests and demos that need a fast clock, never servers.
MIN_INTERVAL_ENV = "FANPULSE_MIN_INTERVAL"


class ConfigError(Exception):
    """A configuration problem a user must fix; ``str()`` is one line naming file and key."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path = str(path)
        self.key = key
        self.problem = problem
        where = f"{self.path}: {key}: " if key else f"{self.path}: "
        super().__init__(where + problem)


def parse_duration(value: Any) -> timedelta:
    """``"45s"``, ``"15m"``, ``"6h"``, ``"1d"`` (or a number of seconds) → timedelta."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"{value!r} is not a duration; write e.g. '45s', '15m', '6h', '1d'")
        seconds = float(match.group(1)) * _DURATION_UNITS[match.group(2)]
    if math.isnan(seconds):
        raise ValueError(f"{value!r} is not a duration; write e.g. '45s', '15m', '6h', '1d'")
    if seconds <= 0:
        raise ValueError(f"{value!r} must be longer than zero")
    if seconds > MAX_DURATION.total_seconds():  # also inf and 99999999999d
        raise ValueError(f"{value!r} is too long: at most {format_duration(MAX_DURATION)}")
    return timedelta(seconds=seconds)


def parse_interval(value: Any) -> timedelta:
    """A duration between runs of repeating work: at least :data:`MIN_INTERVAL`."""
    interval = parse_duration(value)
    floor = min_interval()
    if interval < floor:
        raise ValueError(f"{value!r} is too short: at least {format_duration(floor)}")
    return interval


def parse_optional_interval(value: Any) -> timedelta | None:
    """An interval, or ``"off"`` for a periodic job that should not run."""
    if _is_off(value):
        return None
    return parse_interval(value)


def min_interval() -> timedelta:
    """:data:`MIN_INTERVAL`, or the shorter floor ``$FANPULSE_MIN_INTERVAL`` sets."""
    override = os.environ.get(MIN_INTERVAL_ENV)
    if not override:
        return MIN_INTERVAL
    try:
        return parse_duration(override)
    except ValueError as exc:
        raise ValueError(f"{MIN_INTERVAL_ENV}: {exc}") from None


def format_duration(value: timedelta) -> str:
    """The shortest exact form in config syntax: 10s, 15m, 365d, 250ms."""
    milliseconds = round(value.total_seconds() * 1000)
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if milliseconds >= size and milliseconds % size == 0:
            return f"{milliseconds // size}{unit}"
    return f"{milliseconds}ms"


def parse_size(value: Any) -> int:
    """``"5MB"``, ``"512KB"`` (or a number of bytes) → bytes."""
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    else:
        match = _SIZE.match(str(value))
        if not match:
            raise ValueError(f"{value!r} is not a size; write e.g. '512KB', '5MB'")
        size = int(float(match.group(1)) * _SIZE_UNITS[(match.group(2) or "B").upper()])
    if size <= 0:
        raise ValueError(f"{value!r} must be larger than zero")
    return size


def parse_optional_duration(value: Any) -> timedelta | None:
    """A duration, or ``"off"`` for a periodic job that should not run."""
    if _is_off(value):
        return None
    return parse_duration(value)


def _is_off(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in ("off", "never")


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
OptionalDuration = Annotated[timedelta | None, BeforeValidator(parse_optional_duration)]
Interval = Annotated[timedelta, BeforeValidator(parse_interval)]
OptionalInterval = Annotated[timedelta | None, BeforeValidator(parse_optional_interval)]
Size = Annotated[int, BeforeValidator(parse_size)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseConfig(_Strict):
    path: Path = Path("data/fanpulse.duckdb")
    lock_timeout: Duration = timedelta(seconds=60)
    # The collector waits this long for a reader to let go, then keeps the batch in the
    # spool (on disk) and writes it later: collection never stalls behind an analyst.
    spool_after: Duration = timedelta(seconds=10)
    # Default: "spool" next to the database file. Any storage failure (a held file, a full
    # or read-only disk, an I/O error) sends batches here, so it may live on another disk.
    spool_dir: Path | None = None
    # When neither the database nor the spool can be written, batches wait in memory up to
    # about this many posts; beyond it polling stops (cursors stay put) until one recovers.
    memory_backlog_posts: int = Field(default=50_000, ge=1)
    snapshot_path: Path | None = None  # default: "<name>-snapshot.duckdb" next to it
    snapshot_every: OptionalInterval = timedelta(hours=6)  # "off" to disable
    # Snapshots kept: the newest at snapshot_path, older ones timestamped beside it.
    snapshot_keep: int = Field(default=3, ge=1, le=100)

    @property
    def spool(self) -> Path:
        return self.spool_dir or self.path.parent / "spool"

    @property
    def snapshot(self) -> Path:
        return self.snapshot_path or self.path.with_name(f"{self.path.stem}-snapshot.duckdb")


class CollectorSection(BaseModel):
    """``[collector]``: analytics declares only what it reads itself.

    ``default_interval`` judges whether a source is late (status, dashboard, alerts). The
    collector's own keys (timeouts, retries, sizes…) stay in :attr:`options`; the collector
    declares and checks them (``collector.settings``), and the app passes that stricter model
    to :func:`load_config` so a mistake there still fails every command at load time.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    default_interval: Interval = timedelta(minutes=30)

    @property
    def options(self) -> dict[str, Any]:
        """The keys analytics does not declare, for the collector to validate."""
        return dict(self.model_extra or {})


class DashboardConfig(_Strict):
    port: int = Field(default=8501, ge=1, le=65535)
    address: str = "127.0.0.1"


class AlertsConfig(_Strict):
    enabled: bool = True
    # Webhook URLs carry their own secret token, so they come from this environment
    # variable (several separated by spaces or commas), never from the file.
    webhooks_env: str = "FANPULSE_WEBHOOKS"
    check_every: Interval = timedelta(minutes=5)
    spike_z: float = Field(default=4.0, gt=0)  # robust z-score that makes a spike
    spike_min_posts: int = Field(default=20, ge=1)  # fewer posts than this never alert
    lookback: Duration = timedelta(days=2)  # spikes older than this are not news


class SourceEntry(BaseModel):
    """The keys every source shares; kind-specific keys are kept for the source to check."""

    model_config = ConfigDict(extra="allow", frozen=True)

    kind: str
    name: str
    enabled: bool = True
    interval: Interval | None = None
    show: str | None = None  # the show a dedicated channel is about (a fan subreddit, a tag)

    @field_validator("name")
    @classmethod
    def _stable_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                "must be lower-case letters, digits, '.', '_' or '-' (it keys saved state)"
            )
        return value

    @property
    def options(self) -> dict[str, Any]:
        """The kind-specific keys, for the source kind to validate."""
        return dict(self.model_extra or {})


class _ConfigFile(_Strict):
    watchlist: Path = Path("watchlist.toml")
    events: Path | None = None
    database: DatabaseConfig = DatabaseConfig()
    collector: CollectorSection = CollectorSection()
    dashboard: DashboardConfig = DashboardConfig()
    alerts: AlertsConfig = AlertsConfig()
    sources: list[SourceEntry] = []

    @model_validator(mode="after")
    def _unique_names(self) -> _ConfigFile:
        seen: set[str] = set()
        for index, source in enumerate(self.sources):
            if source.name in seen:
                raise ValueError(f"sources[{index}].name: {source.name!r} is used twice")
            seen.add(source.name)
        return self


class AppConfig(BaseModel):
    """A loaded, validated configuration with every path resolved."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    path: Path
    database: DatabaseConfig
    collector: CollectorSection
    dashboard: DashboardConfig
    alerts: AlertsConfig
    sources: list[SourceEntry]
    watchlist_path: Path
    events_path: Path | None
    watchlist: Watchlist

    @property
    def database_path(self) -> Path:
        return self.database.path


def config_path(explicit: str | Path | None = None) -> Path:
    """The config file to use: the argument, else ``$FANPULSE_CONFIG``, else the default."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(CONFIG_ENV)
    return Path(from_env) if from_env else DEFAULT_CONFIG


def load_config(
    explicit: str | Path | None = None, *, collector: type[CollectorSection] = CollectorSection
) -> AppConfig:
    """Read and validate the config file and its watchlist; raise :class:`ConfigError`.

    ``collector`` is a stricter model of ``[collector]`` (the app passes the collector's), so
    its keys are checked in the same pass as the rest of the file, before the watchlist.
    """
    path = config_path(explicit)
    raw = read_toml(path, " (pass --config PATH or set FANPULSE_CONFIG)")
    try:
        parsed = _file_model(collector).model_validate(raw)
    except ValidationError as exc:
        raise config_error(path, exc, raw) from None
    base = path.parent
    watchlist_path = base / parsed.watchlist
    events_path = base / parsed.events if parsed.events else None
    database = parsed.database
    override = os.environ.get(DATABASE_ENV)
    if override:
        database = database.model_copy(update={"path": Path(override)})
    for entry in parsed.sources:
        if entry.show is not None and entry.show not in _show_ids(watchlist_path):
            raise ConfigError(
                path, f"sources.{entry.name}.show", f"no show {entry.show!r} in {watchlist_path}"
            )
    return AppConfig(
        path=path,
        database=database,
        collector=parsed.collector,
        dashboard=parsed.dashboard,
        alerts=parsed.alerts,
        sources=parsed.sources,
        watchlist_path=watchlist_path,
        events_path=events_path,
        watchlist=load_watchlist(watchlist_path),
    )


@cache
def _file_model(collector: type[CollectorSection]) -> type[_ConfigFile]:
    if collector is CollectorSection:
        return _ConfigFile
    return create_model("_ConfigFile", __base__=_ConfigFile, collector=(collector, collector()))


def _show_ids(watchlist_path: Path) -> set[str]:
    return {show.id for show in load_watchlist(watchlist_path).shows}


def read_toml(path: Path, missing_hint: str = "") -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(path, "", "file not found" + missing_hint)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "", f"not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(path, "", f"cannot read: {exc.strerror}") from None


def config_error(path: Path, exc: ValidationError, raw: Any = None) -> ConfigError:
    """The first validation error as one line: file, dotted key, problem."""
    first = exc.errors()[0]
    key = _dotted(first["loc"], raw)
    problem = first["msg"]
    if first["type"] == "extra_forbidden":
        problem = "unknown key (check its spelling)"
    elif first["type"] == "value_error":
        problem = problem.removeprefix("Value error, ")
    return ConfigError(path, key, problem)


def _dotted(loc: tuple[Any, ...], raw: Any) -> str:
    """('sources', 2, 'url') → 'sources[2].url' (with the source's name when it has one)."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and item < len(node):
                node = node[item]
                if isinstance(node, dict) and isinstance(node.get("name"), str):
                    label = f"[{item}] ({node['name']})"
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts)
