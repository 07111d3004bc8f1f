"""Conversation: what is being said — rising terms and hashtags, themes and their mood,
the most engaging posts and the most active authors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from analytics.queries.term_words import watched_terms
from dashboard import charts, drill
from dashboard.data import clip, escape_markdown, load_conversation, post_lines
from dashboard.labels import SOURCE_LABELS
from dashboard.rising import show_rising
from dashboard.state import context

MIN_Z = 2.0
PAGE = "conversation"

ctx = context(__file__)
st.title("Conversation")
st.caption(escape_markdown(ctx.describe()))

data = load_conversation(ctx.database, ctx.filters, watched=watched_terms(ctx.config.watchlist))

if data.sources.empty:
    st.info(
        "No posts in this period for the chosen filters. Widen the period or clear the "
        "entity and source filters in the sidebar."
    )
    st.stop()


def term_chart(frame: pd.DataFrame, title: str, colour: str, key: str) -> None:
    shown = frame.assign(term=[clip(t, 40) for t in frame["term"]], query=frame["term"])
    figure = drill.pickable(charts.term_bars(shown, title=title, colour=colour), ["query"])
    drill.chart(st, figure, key, term_drill)


def term_drill(values: Mapping[str, Any]) -> drill.Drill | None:
    """A term's bar: the period's posts that say it."""
    term = values.get("query")
    if not isinstance(term, str) or not term.strip():
        return None
    return drill.Drill(f"“{clip(term, 60)}”", text=term, page=PAGE)


def theme_drill(values: Mapping[str, Any]) -> drill.Drill | None:
    entity_id = values.get("entity_id")
    if not isinstance(entity_id, str) or entity_id not in ctx.entities:
        return None
    return drill.Drill(ctx.entities[entity_id].name, entity_ids=(entity_id,), page=PAGE)


def source_drill(values: Mapping[str, Any]) -> drill.Drill | None:
    kind = values.get("key")
    if not isinstance(kind, str) or kind not in ctx.facets.sources:
        return None
    return drill.Drill(SOURCE_LABELS.get(kind, kind), sources=(kind,), page=PAGE)


# What was picked on a chart below is listed up here, where it is seen whatever was clicked.
drill.show_posts(ctx.database, ctx.filters, PAGE)

st.subheader("Trending terms and hashtags")
st.caption(
    "Words and phrases said more in this period than in the one before it, ranked by the "
    "strength of the evidence (a rare word seen twice does not outrank one that doubled "
    "across hundreds of posts); only clear rises (z of 2 or more) used by at least 3 "
    "accounts are listed. A phrase is shown instead of its words when it holds most of "
    "their uses. Left out: watched names, aliases and hashtags (tracked already), common "
    "words of the main fan languages, and fan filler such as “literally” or “ate”."
)
# Below a z of 2 a rise is within chance: not worth a marketer's attention.
terms = data.terms[data.terms["z"] >= MIN_Z]
hashtags = data.hashtags[data.hashtags["z"] >= MIN_Z]
left, right = st.columns(2)
with left:
    if terms.empty:
        st.write("No word rose noticeably against the previous period.")
    else:
        term_chart(terms, "Rising terms", "#1FB5A8", "conversation_terms")
with right:
    if hashtags.empty:
        st.write("No hashtag rose noticeably against the previous period.")
    else:
        term_chart(hashtags, "Rising hashtags", "#F0609E", "conversation_hashtags")

st.subheader("Themes")
themes = data.themes[data.themes["posts"] > 0]
if themes.empty:
    st.write("No post in this period touches a watched theme.")
else:
    left, right = st.columns(2)
    drill.chart(
        left,
        drill.pickable(
            charts.theme_bars(themes, title="Share of posts per theme, by mood"), ["entity_id"]
        ),
        "conversation_themes",
        theme_drill,
    )
    right.dataframe(
        pd.DataFrame(
            {
                "theme": themes["name"],
                "posts": themes["posts"],
                "share": 100 * themes["share"],
                "avg sentiment": themes["avg_sentiment"],
                "positive": 100 * themes["positive_share"],
                "negative": 100 * themes["negative_share"],
            }
        ),
        hide_index=True,
        column_config={
            "posts": st.column_config.NumberColumn(format="localized"),
            "share": st.column_config.NumberColumn(format="%.1f %%", help="Of all posts"),
            "avg sentiment": st.column_config.NumberColumn(format="%+.2f"),
            "positive": st.column_config.NumberColumn(
                format="%.0f %%", help="Of the theme's posts"
            ),
            "negative": st.column_config.NumberColumn(
                format="%.0f %%", help="Of the theme's posts"
            ),
        },
    )

st.subheader("Top posts")
st.caption(
    "By engagement: likes (or score) + 2 × shares + replies. Feeds report no engagement, so "
    "their posts rank by recency. Counts are not comparable across platforms."
)
posts = pd.DataFrame(
    {
        "posted (UTC)": data.posts["created_at"],
        "source": data.posts["source_name"],
        "author": [clip(a, 60) for a in data.posts["author"]],
        "post": post_lines(data.posts["title"], data.posts["snippet"]),
        "engagement": data.posts["engagement"],
        "sentiment": data.posts["sentiment"],
        "link": data.posts["url"],
    }
)
st.dataframe(
    posts,
    hide_index=True,
    column_config=drill.POST_TABLE_COLUMNS,
)

show_rising(ctx)


def author_table(frame: pd.DataFrame, *, engagement: bool) -> None:
    authors = pd.DataFrame(
        {
            "author": [clip(a, 60) for a in frame["author"]],
            "platform": [SOURCE_LABELS.get(s, s) for s in frame["source"]],
            "engagement": frame["engagement"],
            "posts": frame["posts"],
            "avg sentiment": frame["avg_sentiment"],
        }
    )
    st.dataframe(
        authors if engagement else authors.drop(columns="engagement"),
        hide_index=True,
        column_config={
            "posts": st.column_config.NumberColumn(format="localized"),
            "engagement": st.column_config.NumberColumn(format="localized"),
            "avg sentiment": st.column_config.NumberColumn(format="%+.2f"),
        },
    )


left, right = st.columns([3, 2])
with left:
    st.subheader("Top authors")
    st.caption(
        "People, ranked by the engagement of their posts in this period (the same formula "
        "as top posts). One row per account: the same name on two platforms is two rows."
    )
    if data.authors.empty:
        st.write("No post in this period names its author.")
    else:
        author_table(data.authors, engagement=True)
    st.subheader("Top publishers")
    st.caption(
        "News outlets and other feeds of articles, ranked by articles published: feeds "
        "report no engagement."
    )
    if data.publishers.empty:
        st.write("No article in this period names its publisher.")
    else:
        author_table(data.publishers, engagement=False)
with right:
    st.subheader("Where it is said")
    drill.chart(
        st,
        drill.pickable(
            charts.mix_bars(data.sources, title="Posts per kind of source", labels=SOURCE_LABELS),
            ["key"],
        ),
        "conversation_sources",
        source_drill,
    )
    st.altair_chart(
        charts.mix_bars(data.languages, title="Posts per declared language"), width="stretch"
    )
