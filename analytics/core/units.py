"""Durations and sizes as the config files write them: ``"45s"``, ``"6h"``, ``"5MB"``.

Hand-written rather than a library: the accepted forms are exactly the ones the docs list,
and every error is one line a user can act on.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$")
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"B": 1, "KB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000}

# Longer than a year is a typo, and would overflow date arithmetic further on.
MAX_DURATION = timedelta(days=365)


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


def is_off(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in ("off", "never")


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Size = Annotated[int, BeforeValidator(parse_size)]
