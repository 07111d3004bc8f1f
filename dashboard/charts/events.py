"""Events (premieres, trailers) on time charts: dashed vertical rules with their name on top."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import altair as alt
import pandas as pd

from analytics.core.events import Event
from dashboard.charts.palette import MUTED

# How an event's moment is drawn, on a time axis and on a days-since axis alike.
EVENT_RULE: dict[str, Any] = {"color": MUTED, "strokeDash": [5, 4], "strokeWidth": 1.5}


def events_frame(
    events: Sequence[Event], start: datetime | None, end: datetime | None
) -> pd.DataFrame:
    """Events inside the period, as rows for :func:`event_layers`."""
    rows = [
        {"bucket": e.starts_at, "label": e.name, "kind": e.kind, "date": e.date.isoformat()}
        for e in events
        if (start is None or e.starts_at >= start) and (end is None or e.starts_at < end)
    ]
    frame = pd.DataFrame(rows, columns=["bucket", "label", "kind", "date"])
    frame["bucket"] = pd.to_datetime(frame["bucket"], utc=True)
    return frame


def event_layers(events: pd.DataFrame) -> list[alt.Chart]:
    """Dashed rules at each event with its name written along the top."""
    if events.empty:
        return []
    base = alt.Chart(events).encode(
        x=alt.X("bucket:T", scale=alt.Scale(type="utc")),
        tooltip=[
            alt.Tooltip("label:N", title="Event"),
            alt.Tooltip("kind:N", title="Kind"),
            alt.Tooltip("date:N", title="Date (UTC)"),
        ],
    )
    rules = base.mark_rule(**EVENT_RULE)
    labels = base.mark_text(
        align="left", baseline="top", dx=4, dy=2, color=MUTED, fontSize=11, fontWeight="bold"
    ).encode(text="label:N", y=alt.value(2))
    return [rules, labels]
