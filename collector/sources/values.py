"""Small, strict readers for values in JSON APIs (untrusted: wrong types become None)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def timestamp(value: Any) -> datetime | None:
    """An ISO-8601 time (``Z`` or offset) as aware UTC, or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def count(value: Any) -> int | None:
    """A non-negative integer count, or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def mapping(value: Any) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else (so lookups on it give None)."""
    return value if isinstance(value, dict) else {}


def string(value: Any) -> str | None:
    """A string, or None for any other type."""
    return value if isinstance(value, str) else None
