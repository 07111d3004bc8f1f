"""Notes on days ("influencer campaign went live"): listed and added on Overview, drawn on
every time chart (:meth:`dashboard.state.Context.marks`).

Adding or removing a note is the dashboard's one write: it goes through
:mod:`analytics.store.annotations`, which holds the file read-write only for that moment.
It runs in the button's callback, before the page is drawn, so the charts of that same
run already show the new note.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import streamlit as st

from analytics.core.periods import utc_day
from analytics.store import DatabaseBusy
from analytics.store.annotations import MAX_NOTE_CHARS, add_annotation, delete_annotation
from dashboard.data import READ_LOCK_TIMEOUT, escape_markdown, load_annotations
from dashboard.state import Context

DAY_KEY = "note_day"
TEXT_KEY = "note_text"
RESULT_KEY = "note_result"  # what the last add or remove did, said once
LAST_MOMENT = timedelta(microseconds=1)  # before a period's exclusive end: its last day


def _add(database: str) -> None:
    picked = st.session_state.get(DAY_KEY)
    text = str(st.session_state.get(TEXT_KEY) or "")
    if not isinstance(picked, date):
        st.session_state[RESULT_KEY] = ("warning", "Pick the day the note is about.")
        return
    try:
        add_annotation(database, picked, text, lock_timeout=READ_LOCK_TIMEOUT)
    except ValueError as exc:
        st.session_state[RESULT_KEY] = ("warning", f"The note was not added: {exc}.")
        return
    except DatabaseBusy:
        st.session_state[RESULT_KEY] = (
            "warning",
            "The database is busy (the collector is writing): the note was not added. "
            "Try again in a moment.",
        )
        return
    load_annotations.clear()
    st.session_state[TEXT_KEY] = ""
    st.session_state[RESULT_KEY] = ("success", f"Note added to {picked:%Y-%m-%d}.")


def _remove(database: str, annotation_id: str) -> None:
    try:
        delete_annotation(database, annotation_id, lock_timeout=READ_LOCK_TIMEOUT)
    except DatabaseBusy:
        st.session_state[RESULT_KEY] = ("warning", "The database is busy: try again in a moment.")
        return
    load_annotations.clear()
    st.session_state[RESULT_KEY] = ("success", "Note removed.")


def render(ctx: Context) -> None:
    """The period's notes and a form to add one."""
    st.subheader("Notes")
    start, end = ctx.filters.start, ctx.filters.end
    notes = ctx.notes()
    first = utc_day(start) if start is not None else None
    last = utc_day(end - LAST_MOMENT) if end is not None else None
    shown = notes[
        [(first is None or d >= first) and (last is None or d <= last) for d in notes["day"]]
    ]
    if shown.empty:
        st.caption(
            "No note on these days. A note marks a day on every time chart, e.g. when a "
            "campaign went live; everyone using this database sees it."
        )
    for row in shown.itertuples(index=False):
        text, remove = st.columns([12, 1], vertical_alignment="center")
        text.markdown(f"**{row.day:%Y-%m-%d}** — {escape_markdown(str(row.note))}")
        remove.button(
            "",
            key=f"note_remove_{row.annotation_id}",
            icon=":material/delete:",
            help="Remove this note",
            on_click=_remove,
            args=(ctx.database, row.annotation_id),
        )
    result = st.session_state.pop(RESULT_KEY, None)
    if result is not None:
        kind, message = result
        (st.success if kind == "success" else st.warning)(message)
    # The period's last day: on a live database, today.
    st.session_state.setdefault(DAY_KEY, last or datetime.now(UTC).date())
    with st.form("note_form", clear_on_submit=False, border=False):
        day_column, text_column, add_column = st.columns([2, 6, 2], vertical_alignment="bottom")
        day_column.date_input("Day (UTC)", format="YYYY-MM-DD", key=DAY_KEY)
        text_column.text_input(
            "Note",
            max_chars=MAX_NOTE_CHARS,
            placeholder="e.g. influencer campaign went live",
            key=TEXT_KEY,
        )
        add_column.form_submit_button(
            "Add note", icon=":material/add:", on_click=_add, args=(ctx.database,)
        )
