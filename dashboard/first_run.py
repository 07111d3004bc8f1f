"""The page shown while there is nothing to chart: what fanpulse is and how to start it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from analytics.core.config import AppConfig
from analytics.queries.health import SourceHealth
from dashboard.data import clip, load_facets, load_health

STATUS_WORDS = {"pending": "not polled yet"}
# Status colours are mid-tones readable on the light and the dark theme.
STATUS_COLOURS = {
    "ok": "#3FAE6A",
    "retrying": "#D4A72C",
    "failing": "#E5534B",
    "silent": "#E0823D",
    "stalled": "#E0823D",
}


def health_table(sources: list[SourceHealth]) -> pd.DataFrame:
    """One row per source for people: status, why, when it last worked, its last error."""
    return pd.DataFrame(
        [
            {
                "source": s.name,
                "kind": s.kind,
                "status": STATUS_WORDS.get(s.status, s.status),
                "detail": clip(s.detail, 200),
                "last success (UTC)": s.last_success_at,
                "new in 24 h": s.new_last_24h,
                "usual per day": s.usual_daily if s.usual_daily is not None else float("nan"),
                "last error": clip(s.last_error, 300),
            }
            for s in sources
        ],
        columns=[
            "source",
            "kind",
            "status",
            "detail",
            "last success (UTC)",
            "new in 24 h",
            "usual per day",
            "last error",
        ],
    )


def styled(table: pd.DataFrame) -> Any:
    """The health table with each status word in its colour."""
    colours = {STATUS_WORDS.get(k, k): v for k, v in STATUS_COLOURS.items()}
    return table.style.map(
        lambda value: f"color: {colours[value]}; font-weight: 600" if value in colours else "",
        subset=["status"],
    )


def render(config: AppConfig, sources: list[SourceHealth], database_exists: bool) -> None:
    st.title("Welcome to fanpulse")
    st.markdown(
        "fanpulse listens to what fans say about the shows on your watchlist — news sites, "
        "Reddit, Mastodon, Bluesky, YouTube, AO3 fan works and Wikipedia page views — and "
        "charts how much they talk, how they feel and what they talk about."
    )
    if not database_exists:
        st.info(
            f"No data yet: the database `{config.database_path}` does not exist. Start "
            "collection with `make up` (or `fanpulse collect --once` for a single pass) and "
            "come back in a few minutes."
        )
    else:
        st.info(
            "No posts collected yet. The collector stores a post once a source returns one "
            "that mentions the watchlist; the status of every source is below."
        )
    st.subheader("Get started")
    st.markdown(
        "1. **Collect for real:** `make up` polls every configured source in the background "
        "and serves this dashboard; `fanpulse collect --once` polls each source once.\n"
        "2. **Try it with demo data:** `fanpulse demo --serve` builds a separate database of "
        "realistic synthetic posts and opens this dashboard on it (`fanpulse demo` alone "
        "only builds it); your collected data is left alone.\n"
        f"3. **Choose what to follow:** shows, cast and themes are in `{config.watchlist_path}`,"
        f" sources in `{config.path}`."
    )
    failing = [s for s in sources if s.status not in ("ok", "pending")]
    if sources:
        st.subheader("Collection status")
        if failing:
            st.warning(
                f"{len(failing)} of {len(sources)} sources have a problem: see the last error "
                "of each below (credentials, a changed address, or the site refusing requests)."
            )
        st.dataframe(
            styled(health_table(sources)),
            hide_index=True,
            column_config={
                "last success (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                "usual per day": st.column_config.NumberColumn(format="%.0f"),
            },
        )
    if st.button("Check again", help="Look for new data now instead of within the minute."):
        load_facets.clear()
        load_health.clear()
        st.rerun()
