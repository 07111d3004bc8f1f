"""Collection health: is every source collecting, and where are the gaps?"""

from __future__ import annotations

import streamlit as st

from analytics.queries.health import UNHEALTHY
from dashboard import charts
from dashboard.data import clip, escape_markdown, load_collection
from dashboard.digest_health import show_digest
from dashboard.first_run import health_table, styled
from dashboard.state import context

ROW_PX = 35  # a table row in Streamlit's data grid

ctx = context(__file__)
st.title("Collection health")
st.caption(
    "Each configured source now, judged from its recent runs: failing (3+ failures in a "
    "row), silent (polls succeed but nothing new for far longer than usual) or stalled "
    "(more than twice its interval past due: is the collector running?)."
)

data = load_collection(ctx.database, ctx.filters, ctx.specs)
problems = [s for s in data.health if s.status in UNHEALTHY]
columns = st.columns(3)
columns[0].metric("Sources", len(data.health))
columns[1].metric(
    "Need attention",
    len(problems),
    delta="all fine" if not problems else None,
    delta_color="off",
)
columns[2].metric(
    "New posts in 24 h",
    f"{sum(s.new_last_24h for s in data.health):,}",
    help="Every post collected, copies included: this measures collection, not stories.",
)
if problems:
    st.warning(
        escape_markdown(
            "Not collecting normally: "
            + "; ".join(f"{s.name} — {s.status}: {clip(s.detail, 120)}" for s in problems)
        ),
        icon=":material/warning:",
    )

show_digest(ctx)

table = health_table(data.health)
table.insert(
    table.columns.get_loc("usual per day") + 1,
    "vs usual",
    [100 * s.new_last_24h / s.usual_daily if s.usual_daily else None for s in data.health],
)
st.dataframe(
    styled(table),
    hide_index=True,
    height=min(ROW_PX * (len(table) + 1) + 3, 800),  # every source without scrolling
    column_config={
        "last success (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        "new in 24 h": st.column_config.NumberColumn(format="localized"),
        "usual per day": st.column_config.NumberColumn(
            format="%.0f", help="Median new posts per day over the 14 days before today"
        ),
        "vs usual": st.column_config.NumberColumn(
            format="%.0f %%", help="New posts in the last 24 h against the usual day"
        ),
        "detail": st.column_config.TextColumn(width="medium"),
        "last error": st.column_config.TextColumn(width="large"),
    },
)

st.subheader("Posts per source and day")
if data.daily.empty:
    st.info("No posts in this period. Widen the period in the sidebar.")
else:
    st.altair_chart(
        charts.collection_heatmap(
            data.daily,
            title="New posts per source and UTC day (grey: a day without any)",
        ),
        width="stretch",
    )
    st.caption(
        escape_markdown(
            "Over the sidebar's period and sources, all entities. A quiet source can have "
            "empty days without a fault; a run of them next to a failing or silent status is a "
            "gap in collection."
        )
    )

st.subheader("Recent source alerts")
if data.alerts.empty and problems:
    # The table says what is wrong now; this list only holds alerts already recorded.
    st.write(
        f"No source alert has been recorded yet for the {len(problems)} source(s) above "
        "that need attention: alerts are recorded by the collector's alert check, and a "
        "stalled source gets none."
    )
elif data.alerts.empty:
    st.write("No source has gone silent or started failing recently.")
for alert in data.alerts.itertuples(index=False):
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(clip(alert.title, 200))}**")
        st.caption(f"Detected {alert.detected_at:%Y-%m-%d %H:%M} UTC")
        st.text(clip(alert.message, 500))
