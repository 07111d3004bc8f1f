"""Reading back what sources remember between polls."""

from __future__ import annotations

from pathlib import Path

from analytics.core.models import SourceState
from analytics.store.connection import DEFAULT_LOCK_TIMEOUT, connect

# Every SourceState field, written out (a test holds the list to the dataclass).
LOAD_STATES_SQL = """
    SELECT source_name, channel, source, etag, last_modified, cursor, next_due_at,
           consecutive_failures, last_error, last_attempt_at, last_success_at
    FROM source_state
"""


def load_states(
    path: Path | str, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> dict[tuple[str, str], SourceState]:
    """Every saved source state, keyed by (source name, channel); empty for a new file."""
    if not Path(path).exists():
        return {}
    with connect(path, read_only=True, lock_timeout=lock_timeout) as con:
        result = con.execute(LOAD_STATES_SQL)
        names = [d[0] for d in result.description or ()]
        rows = result.fetchall()
    states = [SourceState(**dict(zip(names, row, strict=True))) for row in rows]
    return {(s.source_name, s.channel): s for s in states}
