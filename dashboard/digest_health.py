"""Collection health's line on the digest: did the latest emailed brief arrive?"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from analytics.queries.digests import DigestStatus, describe_digest, latest_digest
from analytics.store import connect
from dashboard.data import READ_LOCK_TIMEOUT, TTL, escape_markdown
from dashboard.state import Context


@st.cache_data(ttl=TTL, show_spinner=False)
def load_digest(path: str) -> DigestStatus | None:
    if not Path(path).exists():
        return None
    with connect(path, read_only=True, lock_timeout=READ_LOCK_TIMEOUT) as con:
        return latest_digest(con)


def show_digest(ctx: Context) -> None:
    """An error while the latest digest is undelivered, a quiet line otherwise."""
    status = load_digest(ctx.database)
    settings = ctx.config.digest
    if status is None:
        if settings.enabled:
            st.caption(escape_markdown(f"Digest: {settings.describe()}; none sent yet."))
        return
    line = "Digest: " + describe_digest(status)
    if status.failing:
        st.error(escape_markdown(line), icon=":material/mail:")
    else:
        st.caption(escape_markdown(line))
