"""``[digest]``: the brief sent by email on a schedule, checked with the rest of the file.

The SMTP password never lives in the file: ``password_env`` names the environment variable
that holds it, read only when a digest is sent.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from analytics.core.units import Duration

_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class DigestConfig(BaseModel):
    """When the digest goes out, covering which days, and through which SMTP server."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    schedule: Literal["daily", "weekly"] = "weekly"
    time: str = "08:00"  # UTC, when the collector sends it
    day: Literal[WEEKDAYS] = "monday"  # type: ignore[valid-type]  # weekly only
    # Whole UTC days covered, ending with the day before the send: default 1 daily, 7 weekly.
    days: int | None = Field(default=None, ge=1, le=90)
    copies: bool = False  # count every copy of a story instead of each story once
    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)  # default by security
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None  # default: the sender, when a password is configured
    password_env: str | None = None  # the environment variable holding the password
    sender: str | None = None
    recipients: list[str] = []
    timeout: Duration = timedelta(seconds=30)
    # A failed delivery is tried again up to `retries` times, waiting retry_backoff, then
    # twice as long each time, never more than max_retry_wait.
    retries: int = Field(default=3, ge=0, le=10)
    retry_backoff: Duration = timedelta(seconds=30)
    max_retry_wait: Duration = timedelta(minutes=10)

    @field_validator("time")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _TIME.match(value):
            raise ValueError("must be a UTC time like 08:00")
        return value

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str | None) -> str | None:
        if value is not None and not _ADDRESS.match(value):
            raise ValueError(f"{value!r} is not an email address")
        return value

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, value: list[str]) -> list[str]:
        for address in value:
            if not _ADDRESS.match(address):
                raise ValueError(f"{address!r} is not an email address")
        return value

    @field_validator("password_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not _ENV_NAME.match(value):
            raise ValueError("must name an environment variable, e.g. FANPULSE_SMTP_PASSWORD")
        return value

    @model_validator(mode="after")
    def _complete(self) -> DigestConfig:
        if self.enabled:
            missing = [k for k in ("host", "sender") if not getattr(self, k)]
            if not self.recipients:
                missing.append("recipients")
            if missing:
                raise ValueError(f"an enabled digest needs {', '.join(missing)}")
        return self

    @property
    def smtp_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def send_time(self) -> time:
        hour, minute = self.time.split(":")
        return time(int(hour), int(minute))

    @property
    def period_days(self) -> int:
        return self.days or (1 if self.schedule == "daily" else 7)

    def describe(self) -> str:
        """ "weekly, Mondays at 08:00 UTC" or "daily at 08:00 UTC"."""
        when = f"{self.day.capitalize()}s at " if self.schedule == "weekly" else "at "
        return f"{self.schedule}, {when}{self.time} UTC"
