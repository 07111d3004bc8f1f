"""The one loader of ``config/fanpulse.toml``: read, validate once, fail with one clear line.

Everything that reads settings (collector, dashboard, CLI) goes through :func:`load_config`.
Source entries are checked here for the keys every source shares; each source kind checks
its own keys when the collector builds it (``collector.sources``), with the same error form.
"""

from __future__ import annotations

import os
import re
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

from analytics.core import CONFIG_ENV
from analytics.core.digest_config import DigestConfig
from analytics.core.errors import ConfigError, config_error, read_toml
from analytics.core.models import SourceSpec
from analytics.core.units import Duration, format_duration, is_off, parse_duration
from analytics.core.watchlist import Watchlist, load_watchlist

DEFAULT_CONFIG = Path("config/fanpulse.toml")
DATABASE_ENV = "FANPULSE_DB"

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")

# Work that repeats (polling a source, checking alerts, snapshots) more often than this
# hammers the remote service and keeps the database file locked.
MIN_INTERVAL = timedelta(seconds=10)
# Lowers MIN_INTERVAL, e.g. "1ms": for tests and demos that need a fast clock, never servers.
MIN_INTERVAL_ENV = "FANPULSE_MIN_INTERVAL"


def parse_interval(value: Any) -> timedelta:
    """A duration between runs of repeating work: at least :data:`MIN_INTERVAL`."""
    interval = parse_duration(value)
    floor = min_interval()
    if interval < floor:
        raise ValueError(f"{value!r} is too short: at least {format_duration(floor)}")
    return interval


def parse_optional_interval(value: Any) -> timedelta | None:
    """An interval, or ``"off"`` for a periodic job that should not run."""
    if is_off(value):
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


Interval = Annotated[timedelta, BeforeValidator(parse_interval)]
OptionalInterval = Annotated[timedelta | None, BeforeValidator(parse_optional_interval)]


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


class HourlySpikesConfig(_Strict):
    """``[alerts.hourly]``: spikes by the hour, so a trailer drop is alerted the same evening.

    An hour is compared with the same UTC hour of the previous ``baseline_days`` days (fans
    post more in the evening), and needs ``spike_min_posts`` posts: a night hour going from
    2 to 6 posts is far above its baseline but is not news.
    """

    enabled: bool = True
    spike_z: float = Field(default=5.0, gt=0)
    spike_min_posts: int = Field(default=15, ge=1)
    baseline_days: int = Field(default=14, ge=2, le=90)
    lookback: Duration = timedelta(hours=3)  # hourly spikes older than this are not news


class AlertsConfig(_Strict):
    enabled: bool = True
    # Webhook URLs carry their own secret token, so they come from this environment
    # variable (several separated by spaces or commas), never from the file.
    webhooks_env: str = "FANPULSE_WEBHOOKS"
    check_every: Interval = timedelta(minutes=5)
    spike_z: float = Field(default=4.0, gt=0)  # robust z-score that makes a spike
    spike_min_posts: int = Field(default=20, ge=1)  # fewer posts than this never alert
    lookback: Duration = timedelta(days=2)  # spikes older than this are not news
    baseline_days: int = Field(default=14, ge=2, le=90)  # a day's usual: the days before
    hourly: HourlySpikesConfig = HourlySpikesConfig()


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
    digest: DigestConfig = DigestConfig()
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
    digest: DigestConfig = DigestConfig()

    @property
    def database_path(self) -> Path:
        return self.database.path

    def source_specs(self) -> tuple[SourceSpec, ...]:
        """What the configuration says about each enabled source (as ``fanpulse status``
        and the dashboard's health page judge it)."""
        return tuple(
            SourceSpec(entry.name, entry.kind, entry.interval or self.collector.default_interval)
            for entry in self.sources
            if entry.enabled
        )


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
        digest=parsed.digest,
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
