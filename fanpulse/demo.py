"""`fanpulse demo`: a realistic synthetic database, for trying fanpulse without credentials and
for benchmarks at millions of posts.

Years of fan chatter about the watched shows: a slow base that grows with each season, the
real premieres in ``config/events.toml`` as spikes that decay over days, weekends a little
busier, evenings busier than mornings, and one synthetic recent event (a trailer for
Heartstopper Forever, dated twelve days before the end) so that a fresh dashboard has a
spike to explain. That trailer is demo data only: it is not in the events file.

Texts come from :mod:`fanpulse.demo_text`, filled from the watchlist; the real matcher and
scorer read every distinct text once, so mentions and sentiment are what ingest would
store. Posts are then generated inside DuckDB (hash-based choices, no Python loop per
post) in temporary tables and handed to the store as relations, as are the side tables
(:mod:`fanpulse.demo_history`): a million posts take well under a minute.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

import pyarrow as pa

from analytics.core.config import AppConfig
from analytics.core.events import load_events
from analytics.core.watchlist import Show
from analytics.sentiment import score_text
from analytics.store import connect, prepare_database, transaction
from analytics.store.write import insert_mentions_from, insert_posts_from
from collector.matching import Matcher
from fanpulse import demo_text
from fanpulse.demo_engagement import write_engagement_history
from fanpulse.demo_history import write_alerts, write_history

DEFAULT_START = date(2021, 6, 1)
CHUNK = 1_000_000
TEXTS_PER_TEMPLATE = 12

# Share of everyday chatter per show, before premieres.
_SHOW_WEIGHT = {
    "heartstopper": 0.58,
    "young-royals": 0.26,
    "red-white-royal-blue": 0.12,
    "handsome-devil": 0.04,
}
_NEWS_SHARE = 0.12
_PREMIERE_BOOST = 25.0  # a premiere day is about this many ordinary days of that show
_HALF_LIFE_DAYS = 6.0


@dataclass(frozen=True, slots=True)
class DemoSummary:
    path: Path
    posts: int
    mentions: int
    days: int
    seconds: float


@dataclass(frozen=True, slots=True)
class _Text:
    stream: str
    lang: str
    title: str | None
    text: str


def _fill(template: str, show: Show, rng: random.Random, hashtag: str) -> str:
    people = [p.name for p in show.people if p.role == "cast"] or [show.name]
    characters = [c.name for c in show.characters] or people
    pool = people + characters
    # The watchlist lists leads first: they get most of the attention, as in real fandoms.
    weights = [1 / (rank + 1) for rank in range(len(people))] + [
        1 / (rank + 1) for rank in range(len(characters))
    ]
    first = rng.choices(pool, weights)[0]
    second = rng.choices(pool, weights)[0] if len(pool) > 1 else first
    while second == first and len(pool) > 1:
        second = rng.choices(pool, weights)[0]
    return template.format(
        S=show.name, X=first, Y=second, n=rng.randint(1, 3), H=hashtag.removeprefix("#")
    )


def _texts(config: AppConfig, rng: random.Random) -> list[_Text]:
    texts: list[_Text] = []
    for show in config.watchlist.shows:
        hashtag = show.hashtags[0] if show.hashtags else show.name.replace(" ", "")
        social = (
            demo_text.SOCIAL_POSITIVE * 3 + demo_text.SOCIAL_NEGATIVE + demo_text.SOCIAL_NEUTRAL
        )
        groups: list[tuple[str, list[str]]] = [
            (f"{show.id}:social", social),
            (f"{show.id}:news", demo_text.NEWS),
            (f"{show.id}:premiere", demo_text.PREMIERE),
        ]
        if show.id == "heartstopper":
            groups.append((f"{show.id}:trailer", demo_text.TRAILER))
        for stream, templates in groups:
            for template in templates:
                for _ in range(TEXTS_PER_TEMPLATE):
                    body = _fill(template, show, rng, hashtag)
                    news = stream.endswith(":news")
                    texts.append(
                        _Text(
                            stream, "en", body if news else None, _summary(body) if news else body
                        )
                    )
        for lang, template in demo_text.OTHER_LANGUAGES:
            for _ in range(TEXTS_PER_TEMPLATE // 2):
                texts.append(
                    _Text(f"{show.id}:social", lang, None, _fill(template, show, rng, hashtag))
                )
    return texts


def _summary(headline: str) -> str:
    return f"{headline}. Read the full story for details."


def _text_tables(config: AppConfig, texts: list[_Text]) -> tuple[pa.Table, pa.Table]:
    """Distinct texts with their sentiment, and their mentions, as ingest would compute them."""
    matcher = Matcher(config.watchlist)
    rows: dict[str, list[object]] = {
        k: []
        for k in (
            "text_id",
            "stream",
            "lang",
            "title",
            "body",
            "vader",
            "sentiment",
            "label",
            "version",
            "content_hash",
        )
    }
    mentions: dict[str, list[object]] = {"text_id": [], "entity_id": [], "matched": []}
    seen: set[tuple[str, str]] = set()
    for item in texts:
        if (item.stream, item.text) in seen:
            continue
        seen.add((item.stream, item.text))
        full = f"{item.title}\n{item.text}" if item.title else item.text
        found = matcher.match(full)
        if not found:
            continue
        text_id = len(rows["text_id"])
        score = score_text(full)
        for key, value in (
            ("text_id", text_id),
            ("stream", item.stream),
            ("lang", item.lang),
            ("title", item.title),
            ("body", item.text),
            ("vader", score.vader_compound),
            ("sentiment", score.sentiment),
            ("label", score.label),
            ("version", score.version),
            ("content_hash", hashlib.sha1(full.encode()).hexdigest()[:16]),
        ):
            rows[key].append(value)
        for match in found:
            mentions["text_id"].append(text_id)
            mentions["entity_id"].append(match.entity_id)
            mentions["matched"].append(match.matched)
    return pa.table(rows), pa.table(mentions)


Premiere = tuple[date, list[str]]  # day, entity ids


def _premieres(config: AppConfig) -> list[Premiere]:
    events = load_events(config.events_path) if config.events_path else []
    return [(e.date, e.entities) for e in events if e.kind == "premiere"]


def _show_starts(premieres: list[Premiere]) -> dict[str, date]:
    """First premiere per show (from the events file)."""
    starts: dict[str, date] = {}
    for day, entities in premieres:
        for entity in entities:
            show_id = entity.removeprefix("show:")
            starts[show_id] = min(starts.get(show_id, day), day)
    return starts


def _plan(
    config: AppConfig, posts: int, start: date, cutoff: datetime, rng: random.Random
) -> pa.Table:
    """How many posts each stream gets on each day up to ``cutoff``, summing to ``posts``."""
    premieres = _premieres(config)
    starts = _show_starts(premieres)
    end = cutoff.date()
    trailer_day = end - timedelta(days=12)
    weights: list[tuple[date, str, float]] = []
    day = start
    while day <= end:
        # The last day is cut short: it gets the share of a day's posts written before the
        # cutoff, which is elapsed² under the evening-skewed time of day (see _POSTS_SQL).
        scale = _elapsed_share(cutoff) ** 2 if day == end else 1.0
        for show in config.watchlist.shows:
            first = starts.get(show.id, start)  # before it, a show is a rumour
            weights.extend(
                (d, stream, w * scale)
                for d, stream, w in _day_weights(day, show.id, first, premieres, trailer_day, rng)
            )
        day += timedelta(days=1)
    counts = _largest_remainder([w for _, _, w in weights], posts)
    return pa.table(
        {
            "day": pa.array([d for d, _, _ in weights], pa.date32()),
            "stream": [s for _, s, _ in weights],
            "first": pa.array([0, *accumulate(counts)][:-1], pa.int64()),
            "n": pa.array(counts, pa.int64()),
        }
    )


def _elapsed_share(cutoff: datetime) -> float:
    """The share of its UTC day that has passed at ``cutoff``."""
    midnight = datetime.combine(cutoff.date(), datetime.min.time(), UTC)
    return (cutoff - midnight).total_seconds() / 86400


def _day_weights(
    day: date,
    show_id: str,
    first: date,
    premieres: list[Premiere],
    trailer_day: date,
    rng: random.Random,
) -> list[tuple[date, str, float]]:
    """One show's streams on one day, with their relative weights."""
    share = _SHOW_WEIGHT.get(show_id, 0.05)
    weekend = 1.15 if day.weekday() >= 5 else 1.0
    entity = f"show:{show_id}"
    # Before its first season a show is a rumour; every season raises the base.
    seasons = sum(1 for d, entities in premieres if entity in entities and d <= day)
    base = share * (0.15 if day < first else 0.6 + 0.4 * seasons) * weekend
    noise = rng.uniform(0.85, 1.15)
    weights = [
        (day, f"{show_id}:social", base * (1 - _NEWS_SHARE) * noise),
        (day, f"{show_id}:news", base * _NEWS_SHARE * noise),
    ]
    boost = _premiere_boost(day, entity, premieres, share)
    if boost:
        weights.append((day, f"{show_id}:premiere", boost))
    age = (day - trailer_day).days
    if show_id == "heartstopper" and 0 <= age < 20:
        weights.append((day, "heartstopper:trailer", 9.0 * share * 0.5 ** (age / 2.5)))
    return weights


def _premiere_boost(day: date, entity: str, premieres: list[Premiere], share: float) -> float:
    """Extra chatter from the show's premieres of the last 45 days, halving every few days."""
    boost = 0.0
    for premiere, entities in premieres:
        age = (day - premiere).days
        if entity in entities and 0 <= age < 45:
            boost += _PREMIERE_BOOST * share * math.pow(0.5, age / _HALF_LIFE_DAYS)
    return boost


def _largest_remainder(weights: list[float], total: int) -> list[int]:
    """Whole counts proportional to ``weights`` that add up to exactly ``total``."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    counts = [math.floor(r) for r in raw]
    by_fraction = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in by_fraction[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _slots(config: AppConfig) -> pa.Table:
    """100 slots per style and show, each naming a configured source: choosing a slot by
    hash gives each source its share of posts."""
    names = {entry.name: entry.kind for entry in config.sources}
    rows: list[tuple[str, str, str, str]] = []

    def add(style: str, shares: list[tuple[str, str, int]]) -> None:
        present = [(n, kind, w) for n, kind, w in shares if n in names]
        total = sum(w for _, _, w in present) or 1
        slots = [(n, kind) for n, kind, w in present for _ in range(round(100 * w / total))]
        slots = (slots * 2)[:100] if len(slots) < 100 else slots[:100]
        rows.extend((style, name, names[name], kind) for name, kind in slots)

    news = [(e.name, "article", 3) for e in config.sources if e.kind == "rss"]
    add("news", [*news, ("youtube-netflix", "video", 2)])
    for show in ("heartstopper", "young-royals", "other"):
        reddit = {"heartstopper": "reddit-heartstopper", "young-royals": "reddit-youngroyals"}
        ao3 = {"heartstopper": "ao3-heartstopper", "young-royals": "ao3-young-royals"}
        add(
            f"social:{show}",
            [
                ("mastodon-social", "post", 22),
                ("mastodon-online", "post", 8),
                ("bluesky", "post", 30),
                (reddit.get(show, "reddit-heartstopper"), "post", 12),
                (reddit.get(show, "reddit-heartstopper"), "comment", 14),
                ("youtube-netflix", "comment", 10),
                (ao3.get(show, "ao3-heartstopper"), "fanwork", 4),
            ],
        )
    return pa.table(
        {
            "style": [r[0] for r in rows],
            "slot": pa.array([i % 100 for i in range(len(rows))], pa.int32()),
            "source_name": [r[1] for r in rows],
            "source": [r[2] for r in rows],
            "post_kind": [r[3] for r in rows],
        }
    )


# Hash-based uniform numbers u1..u4 in [0, 1): deterministic for a seed, parallel-safe.
_CHUNK_SQL = """
CREATE OR REPLACE TEMP TABLE demo_chunk AS
SELECT pp.seq, pp.day, t.text_id, t.lang, t.title, t.body, t.vader, t.sentiment, t.label,
       t.version, t.content_hash, s.source_name, s.source, s.post_kind,
       ((hash(pp.seq, 1, ?) % 1000000007) / 1000000007.0) AS u1,
       ((hash(pp.seq, 2, ?) % 1000000007) / 1000000007.0) AS u2,
       ((hash(pp.seq, 3, ?) % 1000000007) / 1000000007.0) AS u3,
       ((hash(pp.seq, 4, ?) % 1000000007) / 1000000007.0) AS u4
FROM demo_post_plan pp
JOIN demo_stream_size z ON z.stream = pp.stream
JOIN demo_texts t ON t.stream = pp.stream AND t.idx = hash(pp.seq, 5, ?) % z.size
JOIN demo_slots s ON s.style = (CASE
        WHEN pp.stream LIKE '%:news' THEN 'news'
        WHEN pp.stream LIKE 'heartstopper:%' THEN 'social:heartstopper'
        WHEN pp.stream LIKE 'young-royals:%' THEN 'social:young-royals'
        ELSE 'social:other' END)
    AND s.slot = hash(pp.seq, 6, ?) % 100
WHERE pp.seq >= ? AND pp.seq < ?
"""

# The chunk's rows with exactly the posts columns, for the store to insert.
_POSTS_SQL = """
WITH timed AS (
    SELECT *,
           -- Evenings are busiest: the square root skews the time of day towards its end.
           -- The cutoff's day is cut short, so its posts spread over the hours before it.
           CAST(day AS TIMESTAMPTZ) + to_seconds(CAST(floor(sqrt(u1) * least(86399,
               epoch(CAST(? AS TIMESTAMPTZ)) - epoch(CAST(day AS TIMESTAMPTZ)))) AS BIGINT))
               AS created,
           -- A log-normal multiplier (Box-Muller) gives engagement its long tail.
           exp(sqrt(-2 * ln(u2 + 1e-9)) * cos(2 * pi() * u3)) AS spread
    FROM demo_chunk
)
SELECT source || ':demo-' || seq AS post_id, source, source_name,
       'demo://' || source_name AS channel,
       'https://example.org/demo/' || source_name || '/' || seq AS url,
       CASE WHEN source = 'rss' THEN (['What''s on Netflix', 'PinkNews', 'Deadline', 'Variety',
                                      'Netflix Tudum'])[1 + CAST(floor(u4 * 5) AS INTEGER)]
            ELSE 'fan_' || CAST(floor(pow(u4, 2.5) * 30000) AS INTEGER) END AS author,
       title, body AS text, lang, created AS created_at,
       -- Collected a minute to an hour later; a post of the last hour, some time before the end.
       created + to_seconds(CAST(floor(least(60 + u4 * 3540,
           u4 * (epoch(CAST(? AS TIMESTAMPTZ)) - epoch(created)))) AS BIGINT)) AS collected_at,
       CASE source WHEN 'rss' THEN NULL
                   WHEN 'youtube' THEN CAST(floor(4 * pow(spread, 1.6)) AS BIGINT)
                   ELSE CAST(floor(6 * pow(spread, 1.4)) AS BIGINT) END AS likes,
       CASE WHEN source IN ('mastodon', 'bluesky') THEN CAST(floor(2 * pow(spread, 1.2)) AS BIGINT)
            ELSE NULL END AS shares,
       CASE WHEN source IN ('rss', 'ao3') THEN NULL
            ELSE CAST(floor(u2 * 4 * spread) AS BIGINT) END AS replies,
       CASE WHEN source = 'reddit' THEN CAST(floor(6 * pow(spread, 1.4)) AS BIGINT)
            ELSE NULL END AS score,
       vader AS vader_compound, sentiment, label AS sentiment_label,
       version AS sentiment_version, content_hash, post_kind,
       CASE WHEN post_kind = 'video' THEN CAST(floor(20000 * pow(spread, 2.5)) AS BIGINT)
            ELSE NULL END AS views,
       source || ':demo-' || seq AS story_id
FROM timed
"""

_MENTIONS_SQL = """
SELECT c.source || ':demo-' || c.seq AS post_id, m.entity_id, m.matched
FROM demo_chunk c JOIN demo_text_mentions m USING (text_id)
"""


def build_demo(
    config: AppConfig,
    path: Path,
    *,
    posts: int = 1_000_000,
    start: date = DEFAULT_START,
    end: datetime | None = None,
    seed: int = 7,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Write a demo database at ``path`` (never over an existing file unless ``overwrite``)."""
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite to replace it")
    if path.resolve() == config.database_path.resolve():
        raise ValueError("the demo never writes over the collected database; choose another file")
    started = time.monotonic()
    end = end or datetime.now(UTC)
    rng = random.Random(seed)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    prepare_database(path, config.watchlist.entities())
    texts, text_mentions = _text_tables(config, _texts(config, rng))
    # Posts are written up to a minute before the build, so each is collected before it.
    cutoff = end - timedelta(minutes=1)
    plan = _plan(config, posts, start, cutoff, rng)
    with connect(path) as con:
        con.register("demo_texts_raw", texts)
        con.register("demo_text_mentions", text_mentions)
        con.register("demo_plan", plan)
        con.register("demo_slots_raw", _slots(config))
        con.execute(
            """
            CREATE TEMP TABLE demo_texts AS
            SELECT *, row_number() OVER (PARTITION BY stream ORDER BY text_id) - 1 AS idx
            FROM demo_texts_raw
            """
        )
        con.execute(
            "CREATE TEMP TABLE demo_stream_size AS "
            "SELECT stream, count(*) AS size FROM demo_texts GROUP BY stream"
        )
        con.execute("CREATE TEMP TABLE demo_slots AS SELECT * FROM demo_slots_raw")
        con.execute(
            """
            CREATE TEMP TABLE demo_post_plan AS
            SELECT first + unnest(range(n)) AS seq, day, stream FROM demo_plan WHERE n > 0
            """
        )
        total = int(con.execute("SELECT count(*) FROM demo_post_plan").fetchall()[0][0])
        for low in range(0, total, CHUNK):
            high = min(total, low + CHUNK)
            with transaction(con):
                con.execute(_CHUNK_SQL, [seed] * 6 + [low, high])
                insert_posts_from(con, con.sql(_POSTS_SQL, params=[cutoff, end]))
                insert_mentions_from(con, con.sql(_MENTIONS_SQL))
            if progress:
                progress(high, total)
        write_history(con, config, start, end)
        write_engagement_history(con, end)
        mentions = int(con.execute("SELECT count(*) FROM mentions").fetchall()[0][0])
        write_alerts(con, config, end)
    return DemoSummary(
        path=path,
        posts=total,
        mentions=mentions,
        days=(end.date() - start).days + 1,
        seconds=time.monotonic() - started,
    )
