"""Overview: what is in the database so far (full trend pages come with the analytics)."""

from __future__ import annotations

import streamlit as st

from analytics.config import ConfigError, load_config
from analytics.overview import (
    CollectionStatus,
    EntityCount,
    Overview,
    load_collection_status,
    load_overview,
    top_entities,
)

st.title("fanpulse")

try:
    config = load_config()
except ConfigError as exc:
    st.error(f"Configuration problem: {exc}")
    st.stop()

database = config.database_path


@st.cache_data(ttl=60, show_spinner=False)
def _figures(path: str) -> tuple[Overview, list[EntityCount], CollectionStatus]:
    return load_overview(path), top_entities(path), load_collection_status(path)


if not database.exists():
    st.info(
        f"No data yet: the database `{database}` does not exist. Start collection with "
        "`make up` (or `fanpulse collect --once`) and reload this page."
    )
    st.stop()

overview, entities, status = _figures(str(database))
if overview.posts == 0:
    st.info(
        "No posts collected yet. The collector stores a post once a source returns one that "
        "mentions the watchlist; the status of every source is below."
    )
columns = st.columns(4)
columns[0].metric("Posts stored", f"{overview.posts:,}")
columns[1].metric("Posts in the last 24 h", f"{overview.posts_last_24h:,}")
columns[2].metric("Sources with posts", overview.sources)
columns[3].metric(
    "Average sentiment",
    "—" if overview.avg_sentiment is None else f"{overview.avg_sentiment:+.2f}",
)
if overview.last_collected_at:
    st.caption(f"Last post collected {overview.last_collected_at:%Y-%m-%d %H:%M} UTC.")

st.subheader("Most mentioned")
if entities:
    st.dataframe(
        [
            {"entity": e.name, "kind": e.kind, "posts": e.posts, "avg sentiment": e.avg_sentiment}
            for e in entities
        ],
        hide_index=True,
        use_container_width=True,
    )
else:
    st.write("No mentions yet.")

st.subheader("Collection")
if status.channels == 0:
    st.write("No source has run yet.")
else:
    st.write(
        f"{status.channels} source channels polled; {status.failing} failing at their last "
        f"attempt; {status.never_succeeded} never succeeded yet."
    )
    if status.latest_errors:
        st.dataframe(
            [
                {"source": name, "channel": channel, "last error": error}
                for name, channel, error in status.latest_errors
            ],
            hide_index=True,
            use_container_width=True,
        )
