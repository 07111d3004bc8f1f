"""Events (premieres, trailers) on time charts: dashed vertical rules with their name on top;
readers' notes on days: solid rules in their own colour with the note along the bottom."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import altair as alt
import pandas as pd

from analytics.core.events import Event
from dashboard.charts.layout import HEIGHT
from dashboard.charts.palette import MUTED

# How an event's moment is drawn, on a time axis and on a days-since axis alike.
EVENT_RULE: dict[str, Any] = {"color": MUTED, "strokeDash": [5, 4], "strokeWidth": 1.5}
NOTE = "note"  # the kind of a reader's note among the marks of a chart
NOTE_COLOUR = "#7B61C9"  # apart from every show's colours
NOTE_CHARS = 40  # of a note written on the chart (the tooltip has all of it)
COLUMNS = ["bucket", "label", "kind", "date", "text"]


def notes_frame(notes: pd.DataFrame, start: datetime | None, end: datetime | None) -> pd.DataFrame:
    """Readers' notes (``day``, ``note``) inside the period, as rows for :func:`event_layers`:
    each at the start of its UTC day."""
    rows = []
    for day, note in zip(notes.get("day", []), notes.get("note", []), strict=True):
        moment = pd.Timestamp(day).tz_localize(UTC).to_pydatetime()
        if (start is None or moment >= start) and (end is None or moment < end):
            text = " ".join(str(note).split())
            short = text if len(text) <= NOTE_CHARS else text[: NOTE_CHARS - 1] + "…"
            rows.append(
                {
                    "bucket": moment,
                    "label": short,
                    "kind": NOTE,
                    "date": f"{day:%Y-%m-%d}",
                    "text": text,
                }
            )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["bucket"] = pd.to_datetime(frame["bucket"], utc=True)
    return frame


def marks_frame(
    events: Sequence[Event],
    notes: pd.DataFrame,
    start: datetime | None,
    end: datetime | None,
) -> pd.DataFrame:
    """Events and readers' notes of the period, for :func:`event_layers`."""
    marked = events_frame(events, start, end)
    noted = notes_frame(notes, start, end)
    if noted.empty:
        return marked
    if marked.empty:
        return noted
    return pd.concat([marked, noted], ignore_index=True)


def events_frame(
    events: Sequence[Event], start: datetime | None, end: datetime | None
) -> pd.DataFrame:
    """Events inside the period, as rows for :func:`event_layers`."""
    rows = [
        {
            "bucket": e.starts_at,
            "label": e.name,
            "kind": e.kind,
            "date": e.date.isoformat(),
            "text": e.name,
        }
        for e in events
        if (start is None or e.starts_at >= start) and (end is None or e.starts_at < end)
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["bucket"] = pd.to_datetime(frame["bucket"], utc=True)
    return frame


def event_layers(events: pd.DataFrame) -> list[alt.Chart]:
    """Dashed rules at each event with its name written along the top; solid rules at each
    reader's note with the note along the bottom."""
    if events.empty:
        return []
    if "kind" in events.columns and (events["kind"] == NOTE).any():
        noted = events[events["kind"] == NOTE]
        return [*event_layers(events[events["kind"] != NOTE]), *_note_layers(noted)]
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


def _note_layers(notes: pd.DataFrame) -> list[alt.Chart]:
    base = alt.Chart(notes).encode(
        x=alt.X("bucket:T", scale=alt.Scale(type="utc")),
        tooltip=[
            alt.Tooltip("text:N", title="Note"),
            alt.Tooltip("date:N", title="Day (UTC)"),
        ],
    )
    rules = base.mark_rule(color=NOTE_COLOUR, strokeWidth=1.5)
    labels = base.mark_text(
        align="left", baseline="bottom", dx=4, dy=-4, color=NOTE_COLOUR, fontSize=11
    ).encode(text="label:N", y=alt.value(HEIGHT))
    return [rules, labels]
