"""The "Fastest-growing posts" table: engagement gained per hour over the last day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from dashboard.data import RISING_HOURS, load_rising, post_lines
from dashboard.state import Context


def show_rising(ctx: Context) -> None:
    st.subheader("Fastest-growing posts")
    st.caption(
        f"Posts of this period ranked by engagement gained per hour over the last "
        f"{RISING_HOURS} hours (of the period's end, when earlier): engagement now less "
        "engagement at the start of that window, or at first sight for posts found later. "
        "Counts grow while the collector runs: it asks again for the counts of recent posts "
        "(collector.engagement). Each post counts as collected; copies are not merged."
    )
    # The next whole minute: the cached answer is reused within a minute and still includes
    # counts refreshed seconds ago.
    now = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    rising = load_rising(ctx.database, ctx.filters, now)
    if rising.empty:
        st.write(f"No post of this period gained engagement in the last {RISING_HOURS} hours.")
        return
    table = pd.DataFrame(
        {
            "per hour": rising["gained_per_hour"],
            "gained": rising["gained"],
            "engagement": rising["engagement"],
            "source": rising["source_name"],
            "post": post_lines(rising["title"], rising["snippet"]),
            "link": rising["url"],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "per hour": st.column_config.NumberColumn(format="%.1f"),
            "gained": st.column_config.NumberColumn(format="localized"),
            "engagement": st.column_config.NumberColumn(format="localized"),
            "post": st.column_config.TextColumn(width="large"),
            "link": st.column_config.LinkColumn(display_text="open ↗", validate=r"^https?://"),
        },
    )
