"""The page shown instead of charts when the database file is damaged or unreadable."""

from __future__ import annotations

import streamlit as st

from analytics.store.damage import DatabaseDamaged, DatabaseUnreadable


def render(exc: DatabaseDamaged) -> None:
    if isinstance(exc, DatabaseUnreadable):
        st.title("The database cannot be read")
        st.error(f"`{exc.path}` cannot be read: {exc.reason}. Fix that, then reload this page.")
        return
    st.title("The database file is damaged")
    st.error(
        f"`{exc.path}` cannot be read as it is ({exc.reason}). No figures are shown, "
        "because they would be incomplete."
    )
    st.markdown(
        "To get going again, on the machine that runs the collector:\n\n"
        "1. `fanpulse check` says what is damaged.\n"
        "2. `fanpulse restore` puts the newest sound snapshot in its place. The damaged file "
        "is kept beside it under a timestamped name; stop the collector and this dashboard "
        "first (the restore refuses while the file is open).\n\n"
        "Then reload this page. Details: *Damaged database* in docs/operations.md."
    )
