"""The global filters in the sidebar (period, entities, sources) and what pages read of them.

The widgets live in the entry point, so they are drawn on every page and keep their values
when the reader moves between pages; the resulting :class:`Filters` and the page context
go into ``st.session_state`` for the pages to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import streamlit as st

from analytics.core.config import AppConfig
from analytics.core.events import Event
from analytics.core.filters import Filters
from analytics.core.models import SourceSpec
from analytics.core.periods import Period, last_days, period_of
from analytics.queries.explore import EntityOption, Facets
from dashboard.charts import Palette
from dashboard.data import load_event_list

DEFAULT_DAYS = 30
CONTEXT_KEY = "fanpulse_context"
RESUME_KEY = "fanpulse_resume_page"
FILTER_KEYS = ("filter_period", "filter_entities", "filter_sources", "filter_copies")
# What volume counts: each story once (its copies, e.g. one article syndicated by three
# feeds, share a posts.story_id), or every copy collected.
UNIT_HELP = (
    "Off: each story counts once, however many feeds carried a copy of it. On: every "
    "post collected counts, copies included."
)
SOURCE_LABELS = {
    "rss": "News (RSS)",
    "reddit": "Reddit",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "youtube": "YouTube",
    "ao3": "AO3 fan works",
}
KIND_LABELS = {"person": "cast", "character": "character", "ship": "ship"}


@dataclass(frozen=True, slots=True)
class Context:
    """What every page needs: the configuration, the database and the chosen filters."""

    config: AppConfig
    database: str
    facets: Facets
    filters: Filters
    specs: tuple[SourceSpec, ...]
    unit: str = "stories"  # "stories" (copies once) or "posts" (every copy)

    @property
    def unit_label(self) -> str:
        return "posts (every copy)" if self.unit == "posts" else "stories"

    @property
    def entities(self) -> dict[str, EntityOption]:
        return {e.entity_id: e for e in self.facets.entities}

    @property
    def palette(self) -> Palette:
        return Palette.for_entities(self.facets.entities)

    def events(self) -> tuple[list[Event], str | None]:
        """The configured events, and why they could not be read (None when fine)."""
        path = self.config.events_path
        mtime = path.stat().st_mtime if path is not None and path.exists() else 0.0
        return load_event_list(str(path) if path else None, tuple(self.entities), mtime)

    @property
    def days(self) -> int:
        if self.filters.start is None or self.filters.end is None:
            return 0
        return round((self.filters.end - self.filters.start) / timedelta(days=1))

    def describe(self) -> str:
        """The filters in words, for the caption under each page's title."""
        start, end = self.filters.start, self.filters.end
        period = period_of(start, end).label() if start and end else "all time"
        names = [self.entities[e].name for e in self.filters.entity_ids if e in self.entities]
        about = ", ".join(names) if names else "everything watched"
        sources = ", ".join(SOURCE_LABELS.get(s, s) for s in self.filters.sources)
        counted = "every copy counted" if self.unit == "posts" else "stories, copies once"
        return f"{period} · {about} · {sources or 'all sources'} · {counted}"


def context(page_file: str) -> Context:
    """The current page's context, set by the entry point before the page runs.

    The first visitor of a freshly started server who opens a page's address directly gets
    that page file run on its own: a relic of Streamlit's ``pages/`` folder mode, which
    ends once ``st.navigation`` has run. Then the entry point is run first, and it comes
    back to the page (see :func:`page_to_resume`).
    """
    found = st.session_state.get(CONTEXT_KEY)
    if isinstance(found, Context):
        return found
    st.session_state[RESUME_KEY] = f"pages/{Path(page_file).name}"
    st.switch_page("app.py")
    raise AssertionError("unreachable: st.switch_page does not return")


def page_to_resume() -> str | None:
    """The page a visitor asked for before the entry point had run (once)."""
    wanted = st.session_state.pop(RESUME_KEY, None)
    return wanted if isinstance(wanted, str) else None


def entity_label(option: EntityOption, shows: dict[str, str]) -> str:
    """The option as listed: "Heartstopper", "Kit Connor · Heartstopper cast", "Queer joy ·
    theme"; members carry their show, so the list reads grouped."""
    if option.kind == "show":
        return option.name
    if option.kind == "theme" or option.show_id is None:
        return f"{option.name} · {option.kind}"
    show = shows.get(option.show_id, option.show_id)
    return f"{option.name} · {show} {KIND_LABELS.get(option.kind, option.kind)}"


def _day(moment: datetime | None, fallback: date) -> date:
    return moment.astimezone(UTC).date() if moment is not None else fallback


def default_period(facets: Facets, today: date) -> tuple[date, date]:
    """The last 30 days (the rule of :func:`last_days`, as `fanpulse trends --days 30`) up to
    the newest post's day, so an idle database still opens on its data; never before the
    first post."""
    last = min(_day(facets.last_post_at, today), today)
    first = _day(facets.first_post_at, last)
    period = last_days(DEFAULT_DAYS, datetime.combine(last, datetime.min.time(), tzinfo=UTC))
    return max(first, period.first), period.last


def _period(value: object, fallback: tuple[date, date]) -> tuple[date, date]:
    """The date input's value as (first, last); half a range (while picking) is one day."""
    if isinstance(value, date):
        return value, value
    picked = [d for d in value if isinstance(d, date)] if isinstance(value, tuple | list) else []
    if not picked:
        return fallback
    return min(picked), max(picked)


def sidebar_filters(facets: Facets) -> Filters:
    """Draw the filter widgets in the sidebar and return what they select."""
    today = datetime.now(UTC).date()
    default = default_period(facets, today)
    lowest = min(_day(facets.first_post_at, default[0]), default[0])
    highest = max(_day(facets.last_post_at, today), today)
    shows = {e.entity_id.removeprefix("show:"): e.name for e in facets.entities if e.kind == "show"}
    labels = {e.entity_id: entity_label(e, shows) for e in facets.entities}
    with st.sidebar:
        st.header("Filters")
        picked = st.date_input(
            "Period (UTC days)",
            format="YYYY-MM-DD",
            value=default,
            min_value=lowest,
            max_value=highest,
            key="filter_period",
        )
        period = Period(*_period(picked, default))
        st.caption(period.label())  # the period as the CLI prints it
        entity_ids = st.multiselect(
            "Shows, cast and themes",
            options=list(labels),
            format_func=lambda entity_id: labels.get(entity_id, entity_id),
            placeholder="Everything watched",
            key="filter_entities",
            help=(
                "A post counts when it mentions any of them; a show counts the posts about "
                "its cast, characters and ships too."
            ),
        )
        sources = st.multiselect(
            "Sources",
            options=list(facets.sources),
            format_func=lambda kind: SOURCE_LABELS.get(kind, kind),
            placeholder="All sources",
            key="filter_sources",
        )
        st.toggle("Count every copy", key="filter_copies", help=UNIT_HELP)
        st.button("Reset filters", on_click=_reset, icon=":material/restart_alt:")
    return Filters(
        start=period.start,
        end=period.end,
        entity_ids=tuple(entity_ids),
        sources=tuple(sources),
    )


def chosen_unit() -> str:
    """ "posts" when the sidebar asks for every copy, else "stories"."""
    return "posts" if st.session_state.get("filter_copies") else "stories"


def _reset() -> None:
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)


def remember(found: Context) -> None:
    st.session_state[CONTEXT_KEY] = found
