"""Spikes: buckets where an entity is talked about far more than its recent normal.

Per entity and bucket (UTC day or hour), the posts mentioning it are compared with the
previous ``window`` buckets (zeros included)::

    baseline = median(previous counts)
    mad      = median(|previous counts - baseline|)
    z        = (posts - baseline) / (1.4826 * mad + mad_floor)

1.4826 * MAD estimates the standard deviation of normal data, and unlike a mean and
standard deviation it is not dragged up by the spikes it is meant to find. ``mad_floor``
keeps a flat or mostly-empty history (MAD 0) from turning any post into infinity.
A bucket is a spike when ``z >= threshold`` and ``posts >= min_posts``. Buckets without
``window`` buckets of history (counted from the first post in the database) are not
judged, so the days after collection starts do not look like spikes.

Hourly buckets carry a daily rhythm (fans post more in the evening): with
``daily_rhythm=True`` an hour is compared with the same UTC hour of the previous ``window``
days instead of the ``window`` hours before it, so an ordinary evening is not a spike and a
quiet night does not hide one. Sparse hours (0, 0, 1, … at 4 am) have a baseline near zero:
``min_posts`` is what keeps 2 → 6 posts at night from counting.

What one post is for the counts is :data:`COUNTED` (distinct ``posts.post_id``, or distinct
``posts.story_id`` so copies of one story count once), in one place for every spike query.
Detection runs in one query; explanations (terms rising against the window, most engaging
posts) are computed only for flagged spikes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from analytics.core.filters import Filters
from analytics.queries.sql import load
from analytics.queries.terms import TermOptions, TermWindow, rising_terms_by_window
from analytics.queries.timeseries import (
    BUCKET_DELTAS,
    Bucket,
    check_bucket,
    truncate,
    without_entities,
)
from analytics.queries.top import SNIPPET_CHARS
from analytics.store import Connection

MAD_SCALE = 1.4826  # MAD * 1.4826 = standard deviation, for normally distributed counts
# What one post is in spike counts: "copies" (each stored post) or "stories" (distinct
# posts.story_id). One switch, so spikes count the way the rest of the product does.
COUNTED = "stories"


@dataclass(frozen=True, slots=True)
class SpikePost:
    post_id: str
    created_at: datetime
    source_name: str
    author: str | None
    title: str | None
    snippet: str
    url: str | None
    engagement: int
    sentiment: float


@dataclass(frozen=True, slots=True)
class Spike:
    entity_id: str
    name: str
    bucket: datetime  # start of the UTC bucket
    posts: int
    baseline: float  # median posts per bucket over the window before
    z: float
    top_terms: tuple[str, ...]  # most over-represented in the bucket vs the window
    top_posts: tuple[SpikePost, ...]  # most engaging posts of the bucket


def detect_spikes(
    con: Connection,
    filters: Filters | None = None,
    bucket: Bucket = "day",
    *,
    window: int = 14,
    threshold: float = 3.5,
    min_posts: int = 10,
    mad_floor: float = 1.0,
    kinds: Sequence[str] = (),
    limit: int | None = 20,
    explain_terms: int = 5,
    explain_posts: int = 3,
    term_min_count: int = 3,
    daily_rhythm: bool = False,
) -> list[Spike]:
    """Spikes in the buckets of ``filters``' period, strongest first (at most ``limit``).

    Entities: ``filters.entity_ids`` when given, else every entity (of ``kinds``, if
    given) with posts. The other filters narrow the posts counted, in the history too.
    Each spike is explained by up to ``explain_terms`` terms (seen at least
    ``term_min_count`` times in the bucket) rising against its window, and its
    ``explain_posts`` most engaging posts (engagement as in :mod:`analytics.queries.top`); 0 skips.
    ``daily_rhythm`` (hour buckets only): the baseline is the same hour of the ``window``
    days before, not the ``window`` hours before.
    """
    _check_options(bucket, window, min_posts, mad_floor, daily_rhythm)
    filters = filters or Filters()
    delta = BUCKET_DELTAS[bucket]
    # The history the baseline reads: `window` buckets, or `window` days of the same hour.
    history = window * (BUCKET_DELTAS["day"] if daily_rhythm else delta)
    period_start = truncate(filters.start, bucket) if filters.start else None
    history_start = period_start - history if period_start else None
    widened = dataclasses.replace(without_entities(filters), start=history_start)
    sql = load(
        "spikes_detect",
        bucket=bucket,
        step=bucket,
        filters=widened.active(),
        counted=COUNTED,
        rhythm="hour_of_day" if daily_rhythm else "none",
    )
    bound = sql.bind(
        widened.params(),
        entity_ids=list(filters.entity_ids),
        kinds=list(kinds),
        window=window,
        mad_scale=MAD_SCALE,
        mad_floor=mad_floor,
        min_posts=min_posts,
        period_start=period_start,
        threshold=threshold,
        limit=limit,
    )
    rows = con.execute(sql.text, bound).fetchall()
    windows = [
        TermWindow(entity_id, start - history, start, start + delta)
        for entity_id, _, start, _, _, _ in rows
    ]
    options = TermOptions(limit=explain_terms, min_count=term_min_count)
    # Explanations only for what was flagged: one query for all terms, one for all posts.
    terms = rising_terms_by_window(con, windows, filters, options) if explain_terms else []
    posts = _top_posts(con, windows, filters, explain_posts) if explain_posts and rows else {}
    return [
        Spike(
            entity_id=entity_id,
            name=name,
            bucket=start,
            posts=int(count),
            baseline=float(baseline),
            z=float(z),
            top_terms=tuple(terms[i]["term"]) if terms else (),
            top_posts=posts.get(i, ()),
        )
        for i, (entity_id, name, start, count, baseline, z) in enumerate(rows)
    ]


def _check_options(
    bucket: Bucket, window: int, min_posts: int, mad_floor: float, daily_rhythm: bool
) -> None:
    check_bucket(bucket)
    if window < 2 or min_posts < 1 or mad_floor <= 0:
        raise ValueError("window must be at least 2, min_posts at least 1, mad_floor above 0")
    if daily_rhythm and bucket != "hour":
        raise ValueError("daily_rhythm compares hours: use it with bucket='hour'")


def _top_posts(
    con: Connection,
    windows: Sequence[TermWindow],
    filters: Filters,
    limit: int,
) -> dict[int, tuple[SpikePost, ...]]:
    """The most engaging posts of each spike bucket, in one query (ranked as top_posts)."""
    span = dataclasses.replace(
        without_entities(filters),
        start=min(w.start for w in windows),
        end=max(w.end for w in windows),
    )
    sql = load("spikes_top_posts", filters=span.active())
    bound = sql.bind(
        span.params(),
        window_count=len(windows),
        window_entities=[w.entity_id for w in windows],
        starts=[w.start for w in windows],
        stops=[w.end for w in windows],
        snippet_chars=SNIPPET_CHARS,
        limit=limit,
    )
    found: dict[int, list[SpikePost]] = {}
    for grp, *fields in con.execute(sql.text, bound).fetchall():
        found.setdefault(grp, []).append(SpikePost(*fields))
    return {grp: tuple(posts) for grp, posts in found.items()}
