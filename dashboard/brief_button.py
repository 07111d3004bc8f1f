"""Overview's "Download the brief": the same page as `fanpulse report`, for the sidebar's
period and choices. It is made only when the button is clicked (Streamlit runs the callable
then, beside the page), so the page itself pays nothing for it."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from analytics.core.periods import period_of
from dashboard.brief import make_brief
from dashboard.data import READ_LOCK_TIMEOUT
from dashboard.state import Context


def brief_file_name(ctx: Context) -> str | None:
    if ctx.filters.start is None or ctx.filters.end is None:
        return None
    period = period_of(ctx.filters.start, ctx.filters.end)
    return f"fanpulse-brief-{period.first:%Y-%m-%d}-to-{period.last:%Y-%m-%d}.html"


def brief_bytes(ctx: Context) -> bytes:
    """The brief of the context's filters as the HTML file (read-only, one short read)."""
    brief = make_brief(
        ctx.config,
        ctx.filters,
        unit="posts" if ctx.unit == "posts" else "stories",
        lock_timeout=READ_LOCK_TIMEOUT,
        database=Path(ctx.database),
    )
    return brief.html.encode("utf-8")


def brief_download(ctx: Context, *, posts: int) -> None:
    """The download button, or nothing when the period is open-ended or has no ``posts``."""
    name = brief_file_name(ctx)
    if name is None or not posts:
        return
    st.download_button(
        "Download the brief (HTML)",
        data=lambda: brief_bytes(ctx),
        file_name=name,
        mime="text/html",
        on_click="ignore",
        icon=":material/download:",
        help=(
            "One self-contained page to forward: the headline figures against the previous "
            "period, volume and sentiment charts, top spikes with their posts, share of "
            "voice and rising terms, for the period and choices in the sidebar. Also: "
            "`fanpulse report`."
        ),
    )
