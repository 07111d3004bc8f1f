"""Dashboard entry point: the router and frame; each page is one file in dashboard/pages/.

It loads the configuration, sends an empty or missing database to the first-run page,
draws the global filters in the sidebar (so they are shared by every page) and runs the
chosen page.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from analytics.core.config import ConfigError, load_config
from analytics.store import DatabaseBusy, DatabaseMissing
from analytics.store.damage import DatabaseDamaged
from dashboard import address, damaged, first_run
from dashboard.data import load_facets, load_health
from dashboard.state import (
    GLOBAL_PARAMS,
    Context,
    chosen_unit,
    configured_events,
    page_to_resume,
    remember,
    sidebar_filters,
)

# (section, file, title, icon); the first page is the default one.
PAGE_FILES = [
    ("Trends", "pages/overview.py", "Overview", ":material/monitoring:"),
    ("Trends", "pages/compare.py", "Compare", ":material/compare_arrows:"),
    ("Trends", "pages/conversation.py", "Conversation", ":material/forum:"),
    ("Trends", "pages/attention.py", "Attention", ":material/visibility:"),
    ("Data", "pages/explore.py", "Explore posts", ":material/manage_search:"),
    ("Data", "pages/health.py", "Collection health", ":material/health_and_safety:"),
]
BUSY = (
    "The database is busy: the collector is writing a large batch. This page retries on "
    "the next refresh; nothing is lost."
)

st.set_page_config(page_title="fanpulse", page_icon=":material/monitoring:", layout="wide")

try:
    config = load_config()
except ConfigError as exc:
    st.error(f"Configuration problem: {exc}")
    st.stop()

database = str(config.database_path)
specs = config.source_specs()

try:
    facets = load_facets(database)
except DatabaseBusy:
    st.warning(BUSY)
    st.stop()
except DatabaseDamaged as exc:
    damaged.render(exc)
    st.stop()

if facets is None or facets.last_post_at is None:
    page_to_resume()  # nothing to resume: every address shows the first-run page
    sources = load_health(database, specs) if facets is not None else []

    def welcome() -> None:
        first_run.render(config, sources, database_exists=facets is not None)

    # Every page's address shows the welcome too (a bookmark, a shared link), not an error.
    addresses = [None, *(Path(file).stem for _, file, _, _ in PAGE_FILES)]
    st.navigation(
        [
            st.Page(welcome, title="Welcome", url_path=address, default=address is None)
            for address in addresses
        ],
        position="hidden",
    ).run()
    st.stop()

sections: dict[str, list[st.Page]] = {}
for index, (section, file, title, icon) in enumerate(PAGE_FILES):
    sections.setdefault(section, []).append(
        st.Page(file, title=title, icon=icon, default=index == 0)
    )
navigation = st.navigation(sections)
resume = page_to_resume()
if resume is not None:
    st.switch_page(resume)

address.remember_opened_address()
events, _ = configured_events(config, facets)
chosen = sidebar_filters(facets, events)
# The address keeps the sidebar's filters and the open page's own, not another page's.
address.keep_only(GLOBAL_PARAMS + address.PAGE_PARAMS.get(navigation.url_path, ()))
remember(
    Context(
        config=config,
        database=database,
        facets=facets,
        filters=chosen.filters,
        specs=specs,
        unit=chosen_unit(),
        compare=chosen.compare,
        period_label=chosen.label,
    )
)
st.sidebar.caption(
    f"Posts up to {facets.last_post_at:%d %b %Y %H:%M} UTC. Figures refresh every minute."
)

try:
    navigation.run()
except DatabaseBusy:
    st.warning(BUSY)
except DatabaseDamaged as exc:
    load_facets.clear()  # so a restored file is read again
    damaged.render(exc)
except DatabaseMissing:
    load_facets.clear()
    st.info("The database file has gone away; reload the page to see the first-run guide.")
