"""Reading back what sources remember between polls."""

from __future__ import annotations

from pathlib import Path

from analytics.core.models import SourceState
from analytics.store.connection import DEFAULT_LOCK_TIMEOUT, connect
from analytics.store.write import _STATE_FIELDS


def load_states(
    path: Path | str, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> dict[tuple[str, str], SourceState]:
    """Every saved source state, keyed by (source name, channel); empty for a new file."""
    if not Path(path).exists():
        return {}
    with connect(path, read_only=True, lock_timeout=lock_timeout) as con:
        rows = con.execute(
            f"SELECT {', '.join(_STATE_FIELDS)} FROM source_state"  # noqa: S608 - fixed names
        ).fetchall()
    states = [SourceState(**dict(zip(_STATE_FIELDS, row, strict=True))) for row in rows]
    return {(s.source_name, s.channel): s for s in states}
