"""The collector's own settings: the ``[collector]`` keys only fetching and scheduling use.

Analytics declares just ``default_interval`` (it judges lateness); everything else in the
section is declared and checked here. The app loads the file with this model
(``load_config(path, collector=CollectorConfig)``), so a bad key fails every command with
the usual one line; :func:`collector_settings` gives the same check to code that loaded
the file without it (tests, the dashboard's config).
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from analytics.core.config import AppConfig, CollectorSection, OptionalInterval
from analytics.core.errors import ConfigError, config_error
from analytics.core.units import Duration, Size

# Counts of older posts barely move, and refreshing them would spend API budgets for nothing.
MAX_REFRESH_AGE = timedelta(days=90)


class EngagementConfig(BaseModel):
    """``[collector.engagement]``: refreshing the counts of recent posts.

    Polls see most posts once (Mastodon asks only for newer statuses; Reddit and YouTube
    comments refresh only on the newest page), so every ``refresh_every`` the counts of
    posts younger than ``refresh_for`` are asked for again in batches, at most
    ``max_calls`` requests per source each time.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    refresh_for: Duration = timedelta(days=7)
    refresh_every: OptionalInterval = timedelta(hours=1)  # "off" to disable
    max_calls: int = Field(default=20, ge=1, le=1000)

    @field_validator("refresh_for")
    @classmethod
    def _sensible_age(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0) or value > MAX_REFRESH_AGE:
            raise ValueError(f"must be more than 0 and at most {MAX_REFRESH_AGE.days}d")
        return value


class CollectorConfig(CollectorSection):
    """``[collector]`` in full: HTTP politeness, retries, limits and concurrency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user_agent: str = "fanpulse/0.1 (TV fandom trend tracker)"
    timeout: Duration = timedelta(seconds=20)
    max_response_size: Size = 5_000_000
    retries: int = Field(default=2, ge=0, le=10)
    retry_backoff: Duration = timedelta(seconds=2)
    max_retry_wait: Duration = timedelta(seconds=30)
    concurrency: int = Field(default=8, ge=1, le=64)
    per_host_concurrency: int = Field(default=2, ge=1, le=16)
    engagement: EngagementConfig = EngagementConfig()

    @field_validator("user_agent")
    @classmethod
    def _printable(cls, value: str) -> str:
        if not value.strip() or any(ord(c) < 32 for c in value):
            raise ValueError("must be a non-empty single line")
        return value


def collector_settings(config: AppConfig) -> CollectorConfig:
    """The collector's settings from a loaded config; raise :class:`ConfigError` on a bad key."""
    section = config.collector
    if isinstance(section, CollectorConfig):
        return section
    try:
        return CollectorConfig.model_validate(
            {"default_interval": section.default_interval, **section.options}
        )
    except ValidationError as exc:
        error = config_error(config.path, exc)
        raise ConfigError(config.path, f"collector.{error.key}", error.problem) from None
