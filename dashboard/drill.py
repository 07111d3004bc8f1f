"""Drill-down: from a point or bar of a chart (or a spike alert) to the posts behind it.

A chart made pickable (:func:`pickable`) reruns the page when a reader clicks a mark; the
click becomes a :class:`Drill` (what was picked, as narrower filters) kept in the session,
and :func:`show_posts` lists the posts it selects, most engaging first, with working links.
Post text goes into a data table, which shows it as text: nothing a stranger wrote is read
as markdown or HTML.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from analytics.core.filters import Filters
from analytics.queries.timeseries import BUCKET_DELTAS
from dashboard.charts.layout import ChartT
from dashboard.data import DRILL_ROWS, clip, escape_markdown, load_drill, post_lines

# How a table of posts shows its columns, wherever posts are listed.
POST_TABLE_COLUMNS = {
    "posted (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
    "post": st.column_config.TextColumn(width="large"),
    "engagement": st.column_config.NumberColumn(format="localized"),
    "sentiment": st.column_config.NumberColumn(format="%+.2f"),
    "link": st.column_config.LinkColumn(display_text="open ↗", validate=r"^https?://"),
}

DRILL_KEY = "fanpulse_drill"
ORDER_KEY = "drill_order"
ROUND_KEY = "drill_round"  # how many times a drill-down was closed
ORDERS = {"engagement": "Most engaging first", "newest": "Newest first"}
PICK = "pick"  # the name of every chart's click selection


@dataclass(frozen=True, slots=True)
class Drill:
    """What a reader picked, as filters narrowing the page's own: a bucket of time, an
    entity, a source kind, a term. Empty fields keep the page's filter."""

    label: str
    start: datetime | None = None
    end: datetime | None = None
    entity_ids: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    source_names: tuple[str, ...] = ()
    text: str = ""
    page: str = ""  # the page it was picked on: another page does not show it

    def narrow(self, filters: Filters) -> Filters:
        changes: dict[str, Any] = {}
        if self.start is not None and self.end is not None:
            changes.update(start=self.start, end=self.end)
        for field in ("entity_ids", "sources", "source_names"):
            if getattr(self, field):
                changes[field] = getattr(self, field)
        return dataclasses.replace(filters, **changes)


def bucket_drill(
    values: Mapping[str, Any], bucket: str, page: str, *, what: str = "entity_id"
) -> Drill | None:
    """A point of a chart over time: the bucket it stands for (``bucket_key``, ISO text)
    and its series (an entity id, or with ``what="source_name"`` a configured source)."""
    key = values.get("bucket_key")
    if not isinstance(key, str):
        return None
    try:
        start = pd.Timestamp(key).to_pydatetime()
    except ValueError:
        return None
    if start.tzinfo is None:
        return None
    series = values.get(what)
    name = values.get("name") or series
    when = values.get("when") or key
    chosen = (series,) if isinstance(series, str) and series else ()
    return Drill(
        label=f"{name} · {when}" if chosen else str(when),
        start=start,
        end=start + BUCKET_DELTAS[bucket],
        page=page,
        **{"entity_ids" if what == "entity_id" else "source_names": chosen},
    )


def pickable(chart: ChartT, fields: Sequence[str]) -> ChartT:
    """``chart`` answering a click on a mark with the mark's ``fields``. In a layered chart
    the first layer holding those fields carries the selection: rules and labels of
    events are not picked."""
    param = alt.selection_point(name=PICK, fields=list(fields), on="click")
    if isinstance(chart, alt.LayerChart):
        picked = chart.copy(deep=False)
        layers = list(picked.layer)
        holding = [i for i, layer in enumerate(layers) if _has_fields(layer, fields)]
        index = holding[0] if holding else 0
        layers[index] = layers[index].add_params(param)
        picked.layer = layers
        return picked
    return chart.add_params(param)


def _has_fields(layer: Any, fields: Sequence[str]) -> bool:
    data = getattr(layer, "data", None)
    return isinstance(data, pd.DataFrame) and all(f in data.columns for f in fields)


def chart(
    container: Any,
    figure: alt.Chart | alt.LayerChart,
    key: str,
    make: Callable[[Mapping[str, Any]], Drill | None],
) -> None:
    """Draw a pickable chart; a click on one of its marks opens that mark's posts."""
    # A new key after each Close: the chart forgets its pick, so the same point opens again.
    widget = f"{key}_{st.session_state.get(ROUND_KEY, 0)}"

    def picked() -> None:
        state = st.session_state.get(widget)
        selection = state.get("selection", {}) if isinstance(state, Mapping) else {}
        values = selection.get(PICK) if isinstance(selection, Mapping) else None
        first = values[0] if isinstance(values, list) and values else values
        if isinstance(first, Mapping) and first:
            drill = make(first)
            if drill is not None:
                open_drill(drill)

    container.altair_chart(figure, width="stretch", key=widget, on_select=picked)


def safe_link(url: object) -> str | None:
    """A web address to link to, or None: only http(s) addresses become links."""
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def open_drill(drill: Drill) -> None:
    st.session_state[DRILL_KEY] = drill


def close() -> None:
    st.session_state.pop(DRILL_KEY, None)
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1


def current(page: str) -> Drill | None:
    """The drill-down open on ``page``, if any."""
    found = st.session_state.get(DRILL_KEY)
    return found if isinstance(found, Drill) and found.page == page else None


def show_posts(database: str, filters: Filters, page: str) -> None:
    """The posts behind what was picked on ``page`` (nothing when nothing was)."""
    drill = current(page)
    if drill is None:
        return
    chosen = drill.narrow(filters)
    with st.container(border=True, key="drill_posts"):
        head, order_column, close_column = st.columns([6, 3, 1], vertical_alignment="bottom")
        head.subheader(f"Posts behind: {escape_markdown(drill.label)}")
        st.session_state.setdefault(ORDER_KEY, "engagement")
        order = order_column.segmented_control(
            "Order", list(ORDERS), format_func=ORDERS.__getitem__, key=ORDER_KEY
        )
        close_column.button("Close", on_click=close, icon=":material/close:", key="drill_close")
        found = load_drill(database, chosen, drill.text, order or "engagement")
        if found.total == 0:
            st.info("No post matches what was picked with the sidebar's filters.")
            return
        shown = len(found.posts)
        st.caption(
            f"{found.total:,} posts"
            + (f"; the first {shown:,} are listed." if shown < found.total else ".")
            + " Engagement: likes (or score) + 2 × shares + replies. Click a column to sort."
        )
        posts = found.posts
        st.dataframe(
            pd.DataFrame(
                {
                    "posted (UTC)": posts["created_at"],
                    "source": posts["source_name"],
                    "author": [clip(a, 60) for a in posts["author"]],
                    "post": post_lines(posts["title"], posts["text"]),
                    "engagement": posts["engagement"],
                    "sentiment": posts["sentiment"],
                    "link": [safe_link(u) for u in posts["url"]],
                    "mentions": posts["entities"],
                }
            ),
            hide_index=True,
            key="drill_table",
            column_config=POST_TABLE_COLUMNS,
        )
        if shown < found.total:
            st.caption(f"At most {DRILL_ROWS:,} posts are listed; Explore posts pages through all.")
