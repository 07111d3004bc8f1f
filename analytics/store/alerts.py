"""Keeping the ``alerts`` table: each alert recorded once, and what became of its delivery.

What counts as an alert is decided in :mod:`analytics.queries.alerts`; this module only
writes. An alert's id says what it is about, so recording the same finding again is a no-op.
A spike alert's members can grow after it was recorded (an entity of the same show spiking
a little later is the same event): :func:`set_members` records them without resending.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import duckdb

from analytics.store.rows import Columns


class AlertRow(Protocol):
    """What the table stores of an alert (``analytics.queries.alerts.Alert`` is one)."""

    @property
    def alert_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def happened_at(self) -> datetime: ...
    @property
    def title(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def entity_id(self) -> str | None: ...
    @property
    def source_name(self) -> str | None: ...
    @property
    def entity_ids(self) -> Sequence[str]: ...
    @property
    def bucket(self) -> str | None: ...
    @property
    def links(self) -> Sequence[LinkRow]: ...


class LinkRow(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def url(self) -> str: ...


A = TypeVar("A", bound=AlertRow)

_ALERT_ROWS = Columns(
    {
        "alert_id": "VARCHAR",
        "kind": "VARCHAR",
        "entity_id": "VARCHAR",
        "source_name": "VARCHAR",
        "happened_at": "TIMESTAMPTZ",
        "detected_at": "TIMESTAMPTZ",
        "title": "VARCHAR",
        "message": "VARCHAR",
        "entity_ids": "VARCHAR[]",
        "bucket": "VARCHAR",
        "links": "STRUCT(title VARCHAR, url VARCHAR)[]",
    }
)


def record_new(
    con: duckdb.DuckDBPyConnection, alerts: Sequence[A], now: datetime | None = None
) -> list[A]:
    """Store alerts not seen before (inside the caller's transaction); return those."""
    new = _unseen(con, alerts)
    if not new:
        return []
    con.execute(
        f"INSERT INTO alerts BY NAME {_ALERT_ROWS.select}",
        _alert_columns(new, now or datetime.now(UTC)),
    )
    return new


def _unseen(con: duckdb.DuckDBPyConnection, alerts: Sequence[A]) -> list[A]:
    """Alerts whose id is not stored yet, each id once (the last one given wins)."""
    unique = list({a.alert_id: a for a in alerts}.values())
    if not unique:
        return []
    rows = con.execute(
        "SELECT alert_id FROM alerts WHERE list_contains(?, alert_id)",
        [[a.alert_id for a in unique]],
    ).fetchall()
    known = {alert_id for (alert_id,) in rows}
    return [a for a in unique if a.alert_id not in known]


def _alert_columns(alerts: Sequence[AlertRow], detected: datetime) -> dict[str, Sequence[Any]]:
    return _ALERT_ROWS.params(
        {
            "alert_id": [a.alert_id for a in alerts],
            "kind": [a.kind for a in alerts],
            "entity_id": [a.entity_id for a in alerts],
            "source_name": [a.source_name for a in alerts],
            "happened_at": [a.happened_at for a in alerts],
            "detected_at": [detected] * len(alerts),
            "title": [a.title for a in alerts],
            "message": [a.message for a in alerts],
            "entity_ids": [list(a.entity_ids) or None for a in alerts],
            "bucket": [a.bucket for a in alerts],
            "links": [[{"title": k.title, "url": k.url} for k in a.links] or None for a in alerts],
        }
    )


def set_members(con: duckdb.DuckDBPyConnection, alert_id: str, entity_ids: Sequence[str]) -> None:
    """A spike alert now names ``entity_ids`` (late joiners added); it is not sent again."""
    con.execute(
        "UPDATE alerts SET entity_ids = ? WHERE alert_id = ? AND kind = 'spike'",
        [list(entity_ids), alert_id],
    )


def mark_delivery(
    con: duckdb.DuckDBPyConnection,
    alert_id: str,
    failed_keys: Sequence[str],
    error: str | None,
    now: datetime | None = None,
) -> None:
    """Record one attempt: delivered when no webhook failed, else which ones still owe it."""
    done = not failed_keys
    con.execute(
        """
        UPDATE alerts SET delivery_attempts = delivery_attempts + 1,
               delivered_at = ?, delivery_error = ?, undelivered_to = ?
        WHERE alert_id = ?
        """,
        [now or datetime.now(UTC) if done else None, error, list(failed_keys) or None, alert_id],
    )
