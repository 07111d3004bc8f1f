"""The global filters in the sidebar (period, entities, sources) and what pages read of them.

The widgets live in the entry point, so they are drawn on every page and keep their values
when the reader moves between pages; the resulting :class:`Filters` and the page context
go into ``st.session_state`` for the pages to read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics.core.config import AppConfig
from analytics.core.events import Event
from analytics.core.filters import Filters
from analytics.core.models import SourceSpec
from analytics.core.periods import ONE_HOUR, Period, last_days, last_hours, period_of, utc_day
from analytics.queries.explore import EntityOption, Facets
from dashboard import address, charts
from dashboard.charts import Palette
from dashboard.data import load_annotations, load_event_list
from dashboard.labels import SOURCE_LABELS

DEFAULT_DAYS = 30
CONTEXT_KEY = "fanpulse_context"
RESUME_KEY = "fanpulse_resume_page"
FILTER_KEYS = (
    "filter_preset",
    "filter_period",
    "filter_compare",
    "filter_entities",
    "filter_sources",
    "filter_copies",
)
# What volume counts: each story once (its copies, e.g. one article syndicated by three
# feeds, share a posts.story_id), or every copy collected.
UNIT_HELP = (
    "Off: each story counts once, however many feeds carried a copy of it. On: every "
    "post collected counts, copies included."
)
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
    compare: bool = True  # show changes against the previous period of the same length
    period_label: str = ""  # the period as the sidebar words it

    @property
    def span(self) -> str:
        """The period's length in words: "24 hours", "7 days"."""
        if self.filters.start is None or self.filters.end is None:
            return "period"
        hours = round((self.filters.end - self.filters.start) / ONE_HOUR)
        return f"{hours} hours" if hours % 24 or hours <= 24 else f"{hours // 24} days"

    @property
    def unit_label(self) -> str:
        return "posts (every copy)" if self.unit == "posts" else "stories"

    @property
    def entities(self) -> dict[str, EntityOption]:
        return {e.entity_id: e for e in self.facets.entities}

    @property
    def palette(self) -> Palette:
        return Palette.for_entities(self.facets.entities)

    def notes(self) -> pd.DataFrame:
        """Readers' notes on days: ``annotation_id``, ``day``, ``note``, ``added_at``."""
        return load_annotations(self.database)

    def marks(self, events: Sequence[Event]) -> pd.DataFrame:
        """``events`` and readers' notes inside the period, for a time chart."""
        return charts.marks_frame(events, self.notes(), self.filters.start, self.filters.end)

    def events(self) -> tuple[list[Event], str | None]:
        """The configured events, and why they could not be read (None when fine)."""
        return configured_events(self.config, self.facets)

    @property
    def days(self) -> int:
        if self.filters.start is None or self.filters.end is None:
            return 0
        return round((self.filters.end - self.filters.start) / timedelta(days=1))

    def describe(self) -> str:
        """The filters in words, for the caption under each page's title."""
        start, end = self.filters.start, self.filters.end
        period = self.period_label or (
            period_of(start, end).label() if start and end else "all time"
        )
        names = [self.entities[e].name for e in self.filters.entity_ids if e in self.entities]
        about = ", ".join(names) if names else "everything watched"
        sources = ", ".join(SOURCE_LABELS.get(s, s) for s in self.filters.sources)
        counted = "every copy counted" if self.unit == "posts" else "stories, copies once"
        return f"{period} · {about} · {sources or 'all sources'} · {counted}"


def configured_events(config: AppConfig, facets: Facets) -> tuple[list[Event], str | None]:
    """The events file's events, and why it could not be read (None when fine)."""
    path = config.events_path
    mtime = path.stat().st_mtime if path is not None and path.exists() else 0.0
    entity_ids = tuple(e.entity_id for e in facets.entities)
    return load_event_list(str(path) if path else None, entity_ids, mtime)


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
    address.remember_opened_address()  # a switch of pages drops the address's filters
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


PRESETS = {
    "24h": "Last 24 hours",
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "premiere": "Since the latest premiere",
    "custom": "Custom days",
}
DEFAULT_PRESET = "30d"
PRESET_DAYS = {"7d": 7, "30d": 30, "90d": 90}
GLOBAL_PARAMS = ("period", "compare", "entities", "sources", "copies")  # in the address
RANGE_MARK = ".."  # a custom period in the address: 2026-11-01..2026-11-30


@dataclass(frozen=True, slots=True)
class Chosen:
    """The period the sidebar selects: its bounds, how it reads, and a note on a preset
    that could not apply (e.g. no premiere yet)."""

    start: datetime
    end: datetime
    label: str
    note: str | None = None


def latest_premiere(events: Sequence[Event], before: date) -> Event | None:
    """The newest premiere on or before ``before``."""
    shown = [e for e in events if e.kind == "premiere" and e.date <= before]
    return max(shown, key=lambda e: (e.date, e.id)) if shown else None


def preset_period(
    preset: str, facets: Facets, events: Sequence[Event], now: datetime
) -> Chosen | None:
    """The period a preset names, counted back from the newest post (an idle database still
    opens on its data); None for "custom". Never before the first post."""
    if preset == "custom":
        return None
    anchor = min(facets.last_post_at or now, now)
    first = min(_day(facets.first_post_at, utc_day(anchor)), utc_day(anchor))
    if preset == "24h":
        hours = last_hours(24, anchor)
        return Chosen(hours.start, hours.end, hours.label())
    note = None
    if preset == "premiere":
        premiere = latest_premiere(events, utc_day(anchor))
        if premiere is not None:
            period = Period(max(first, premiere.date), utc_day(anchor))
            label = f"{period.label()}, since {premiere.name}"
            return Chosen(period.start, period.end, label)
        note = "No premiere is listed in the events file yet: the last 30 days are shown."
    period = last_days(PRESET_DAYS.get(preset, DEFAULT_DAYS), anchor)
    period = Period(max(first, period.first), period.last)
    return Chosen(period.start, period.end, period.label(), note)


def _read_range(text: str, lowest: date, highest: date) -> tuple[date, date]:
    first, mark, last = text.partition(RANGE_MARK)
    try:
        days = (date.fromisoformat(first), date.fromisoformat(last if mark else first))
    except ValueError:
        raise ValueError("write days as 2026-11-01..2026-11-30") from None
    if days[1] < days[0]:
        raise ValueError("the period ends before it starts")
    if days[0] < lowest or days[1] > highest:
        raise ValueError(f"choose days between {lowest} and {highest}")
    return days


def filter_params(facets: Facets, lowest: date, highest: date) -> list[address.Param]:
    """The sidebar's filters as they are written in the address."""

    def read_period(text: str) -> dict[str, object]:
        if text in PRESETS and text != "custom":
            return {"filter_preset": text}
        return {"filter_preset": "custom", "filter_period": _read_range(text, lowest, highest)}

    def write_period(state: Mapping[str, object]) -> str | None:
        preset = state.get("filter_preset", DEFAULT_PRESET)
        if preset != "custom":
            return None if preset == DEFAULT_PRESET else str(preset)
        first, last = _period(state.get("filter_period"), (lowest, highest))
        return f"{first:%Y-%m-%d}{RANGE_MARK}{last:%Y-%m-%d}"

    return [
        address.Param("period", read_period, write_period),
        address.flag("compare", "filter_compare", default=True),
        address.many(
            "entities",
            "filter_entities",
            lambda: (e.entity_id for e in facets.entities),
            "show, person or theme",
        ),
        address.many("sources", "filter_sources", lambda: facets.sources, "source"),
        address.flag("copies", "filter_copies", default=False),
    ]


def _to_custom() -> None:
    st.session_state["filter_preset"] = "custom"


@dataclass(frozen=True, slots=True)
class Selection:
    """What the sidebar selects."""

    filters: Filters
    compare: bool  # changes against the previous period of the same length
    label: str  # the period in words


def sidebar_filters(facets: Facets, events: Sequence[Event] = ()) -> Selection:
    """Draw the filter widgets in the sidebar and return what they select. The filters
    come from the address on a first visit and go back into it on every run."""
    now = datetime.now(UTC)
    today = now.date()
    default = default_period(facets, today)
    lowest = min(_day(facets.first_post_at, default[0]), default[0])
    highest = max(_day(facets.last_post_at, today), today)
    shows = {e.entity_id.removeprefix("show:"): e.name for e in facets.entities if e.kind == "show"}
    labels = {e.entity_id: entity_label(e, shows) for e in facets.entities}
    params = filter_params(facets, lowest, highest)
    notes = address.restore(params)
    state = st.session_state
    state.setdefault("filter_preset", DEFAULT_PRESET)
    state.setdefault("filter_compare", True)
    chosen = preset_period(str(state["filter_preset"]), facets, events, now)
    if chosen is not None:
        # A preset follows the newest data: the date picker shows the days it covers.
        shown = (utc_day(chosen.start), utc_day(chosen.end - ONE_HOUR))
        state["filter_period"] = (max(lowest, shown[0]), min(highest, max(lowest, shown[1])))
    else:
        state.setdefault("filter_period", default)
    with st.sidebar:
        st.header("Filters")
        for note in notes:
            st.warning(note, icon=":material/link_off:")
        st.selectbox("Period", list(PRESETS), format_func=PRESETS.__getitem__, key="filter_preset")
        picked = st.date_input(
            "Days (UTC)",
            format="YYYY-MM-DD",
            min_value=lowest,
            max_value=highest,
            key="filter_period",
            on_change=_to_custom,
            help="Picking days switches the period to custom days.",
        )
        if chosen is None:
            period = Period(*_period(picked, default))
            chosen = Chosen(period.start, period.end, period.label())
        st.caption(chosen.label)  # the period as the CLI prints it
        if chosen.note:
            st.caption(chosen.note)
        compare = st.toggle(
            "Compare with the previous period",
            key="filter_compare",
            help="Show each headline figure's change against the period of the same length "
            "just before.",
        )
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
    address.publish(params)
    filters = Filters(
        start=chosen.start,
        end=chosen.end,
        entity_ids=tuple(entity_ids),
        sources=tuple(sources),
    )
    return Selection(filters, bool(compare), chosen.label)


def chosen_unit() -> str:
    """ "posts" when the sidebar asks for every copy, else "stories"."""
    return "posts" if st.session_state.get("filter_copies") else "stories"


def _reset() -> None:
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)


def remember(found: Context) -> None:
    st.session_state[CONTEXT_KEY] = found
