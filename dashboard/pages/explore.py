"""Explore posts: the posts themselves, filtered and searched, with a CSV download."""

from __future__ import annotations

import dataclasses

import streamlit as st

from analytics.queries.explore import SENTIMENT_LABELS
from dashboard import address
from dashboard.data import EXPLORE_ROWS, clip, csv_bytes, escape_markdown, load_explore
from dashboard.state import context

SEARCH_CHARS = 200

ctx = context(__file__)
st.title("Explore posts")
st.caption(escape_markdown(ctx.describe()))

address.follow(
    [
        address.text("q", "explore_text", SEARCH_CHARS),
        address.many("sentiment", "explore_labels", lambda: SENTIMENT_LABELS, "sentiment"),
        address.many("lang", "explore_langs", lambda: ctx.facets.langs, "language"),
    ]
)
search, labels_column, langs_column = st.columns([3, 2, 2])
text = search.text_input(
    "Search title and text",
    max_chars=SEARCH_CHARS,
    placeholder="e.g. trailer, season 4, #narlie",
    key="explore_text",
    help="Case-insensitive; matches anywhere in the title or text.",
)
labels = labels_column.multiselect(
    "Sentiment",
    SENTIMENT_LABELS,
    placeholder="Any sentiment",
    key="explore_labels",
)
langs = langs_column.multiselect(
    "Language",
    list(ctx.facets.langs),
    placeholder="Any language",
    key="explore_langs",
    help="As declared by the source; many posts declare none.",
)
filters = dataclasses.replace(ctx.filters, langs=tuple(langs))
data = load_explore(ctx.database, filters, text.strip(), tuple(labels))

if data.total == 0:
    st.info(
        "No posts in this period match these filters. Widen the period, clear the search or "
        "the entity and source filters in the sidebar."
    )
    st.stop()

shown = len(data.posts)
st.markdown(
    f"**{data.total:,} posts** match"
    + (f"; the newest {shown:,} are listed." if shown < data.total else ".")
)
st.caption(
    "Every copy is listed (a story carried by several feeds appears once per copy, with "
    "the same story id), so this can exceed the stories counted on Overview. A show "
    "includes the posts about its cast, characters and ships."
)
table = data.posts.assign(
    author=[clip(a, 60) for a in data.posts["author"]],
    title=[clip(t, 200) for t in data.posts["title"]],
)
st.dataframe(
    table,
    hide_index=True,
    height=560,
    column_order=[
        "created_at",
        "source_name",
        "author",
        "title",
        "text",
        "entities",
        "sentiment",
        "sentiment_label",
        "lang",
        "engagement",
        "url",
    ],
    column_config={
        "created_at": st.column_config.DatetimeColumn("posted (UTC)", format="YYYY-MM-DD HH:mm"),
        "source_name": st.column_config.TextColumn("source"),
        "author": st.column_config.TextColumn("author"),
        "title": st.column_config.TextColumn("title"),
        "text": st.column_config.TextColumn("text", width="large"),
        "entities": st.column_config.TextColumn("mentions"),
        "sentiment": st.column_config.NumberColumn("sentiment", format="%+.2f"),
        "sentiment_label": st.column_config.TextColumn("label"),
        "lang": st.column_config.TextColumn("lang"),
        "engagement": st.column_config.NumberColumn("engagement", format="localized"),
        "url": st.column_config.LinkColumn("link", display_text="open ↗", validate=r"^https?://"),
    },
)
st.download_button(
    f"Download these {shown:,} posts as CSV",
    # Made only when clicked: most visits never download.
    data=lambda: csv_bytes(data.posts),
    file_name="fanpulse-posts.csv",
    mime="text/csv",
    icon=":material/download:",
    help=f"Up to {EXPLORE_ROWS:,} posts, newest first, with every column of the table.",
    on_click="ignore",
)
