"""Keeping the ``alerts`` table: each alert recorded once, and what became of its delivery.

What counts as an alert is decided in :mod:`analytics.queries.alerts`; this module only
writes. An alert's id says what it is about, so recording the same finding again is a no-op.
A spike alert's members can grow after it was recorded (an entity of the same show spiking
a little later is the same event): :func:`set_members` records them without resending.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol, TypeVar

import duckdb
import pyarrow as pa


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

_TIME = pa.timestamp("us", tz="UTC")
_LINKS = pa.list_(pa.struct([("title", pa.string()), ("url", pa.string())]))


def record_new(
    con: duckdb.DuckDBPyConnection, alerts: Sequence[A], now: datetime | None = None
) -> list[A]:
    """Store alerts not seen before (inside the caller's transaction); return those."""
    new = _unseen(con, alerts)
    if not new:
        return []
    con.register("incoming_alerts", _alerts_table(new, now or datetime.now(UTC)))
    con.execute("INSERT INTO alerts BY NAME SELECT * FROM incoming_alerts")
    con.unregister("incoming_alerts")
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


def _alerts_table(alerts: Sequence[AlertRow], detected: datetime) -> pa.Table:
    return pa.table(
        {
            "alert_id": pa.array([a.alert_id for a in alerts], pa.string()),
            "kind": pa.array([a.kind for a in alerts], pa.string()),
            "entity_id": pa.array([a.entity_id for a in alerts], pa.string()),
            "source_name": pa.array([a.source_name for a in alerts], pa.string()),
            "happened_at": pa.array([a.happened_at for a in alerts], _TIME),
            "detected_at": pa.array([detected] * len(alerts), _TIME),
            "title": pa.array([a.title for a in alerts], pa.string()),
            "message": pa.array([a.message for a in alerts], pa.string()),
            "entity_ids": pa.array(
                [list(a.entity_ids) or None for a in alerts], pa.list_(pa.string())
            ),
            "bucket": pa.array([a.bucket for a in alerts], pa.string()),
            "links": pa.array(
                [[{"title": k.title, "url": k.url} for k in a.links] or None for a in alerts],
                _LINKS,
            ),
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
