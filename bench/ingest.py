"""Ingest throughput, each figure a ratio measured in the same run.

- pipeline vs VADER alone: Mastodon-shaped JSON pages → parse (HTML to text) → match the
  watchlist → score → store in DuckDB, against plain ``polarity_scores`` on the same texts;
- parallel scoring on every core vs single-core VADER;
- the pipeline vs the script a user would write first: VADER per post and one SQLite
  INSERT and commit per post.
"""

from __future__ import annotations

import os
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analytics.core.config import load_config
from analytics.core.models import RunBatch, RunRecord, SourceState
from analytics.sentiment import score_many
from analytics.store import Writer, prepare_database
from collector.matching import Matcher
from collector.pipeline import process_posts
from collector.sources.mastodon import parse_statuses

POSTS = 20_000
PAGE = 40  # statuses per API page: one batch each, as the collector stores them
GROUP = 50  # batches per group commit

_OPENINGS = [
    "I'm literally sobbing at",
    "Not me screaming crying over",
    "Honestly",
    "Netflix cancelling",
    "Just finished",
    "Can we talk about",
    "Still thinking about",
    "Unpopular opinion:",
    "New interview:",
    "The way",
]
_SUBJECTS = [
    "Nick and Charlie",
    "Kit Connor",
    "Joe Locke",
    "Heartstopper season 3",
    "Young Royals",
    "Wilhelm and Simon",
    "Red, White & Royal Blue",
    "Tao and Elle",
    "Tara and Darcy",
    "Alice Oseman",
]
_ENDINGS = [
    "at the beach scene 😭😭",
    "is a terrible decision, this show deserved better",
    "and I'm not okay 💀",
    "was mid tbh, the pacing dragged",
    "talks about filming the final season",
    "— this show is pure queer joy 🏳️‍🌈 #Heartstopper",
    "ruined me in the best way",
    "and the soundtrack slaps",
    "premieres in October on Netflix",
    "deserves every award ❤️",
]


_FOLLOW_UPS = [
    "The writing this season is so much more confident than the first.",
    "Also can we talk about how good the soundtrack is?",
    "I have rewatched the last episode three times already.",
    "Honestly the pacing in the middle dragged a bit but the finale made up for it.",
    "Netflix please renew it, we need more stories like this one.",
    "My friends and I watched it together and cried the whole time.",
    "The cast interviews this week were adorable too.",
]


def _statuses(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """Mastodon statuses of one to four sentences (40 to 400 characters), like real ones."""
    rng = random.Random(seed)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    statuses = []
    for i in range(count):
        text = f"{rng.choice(_OPENINGS)} {rng.choice(_SUBJECTS)} {rng.choice(_ENDINGS)}"
        text = " ".join([text, *rng.sample(_FOLLOW_UPS, rng.randint(0, 3))])
        statuses.append(
            {
                "id": str(115_000_000_000_000_000 + i),
                "created_at": (start + timedelta(seconds=37 * i)).isoformat(),
                "language": "en",
                "uri": f"https://fans.example/users/u{i % 997}/statuses/{i}",
                "url": f"https://fans.example/@u{i % 997}/{i}",
                "replies_count": rng.randint(0, 20),
                "reblogs_count": rng.randint(0, 50),
                "favourites_count": rng.randint(0, 300),
                "content": f"<p>{text} <a href='https://fans.example/tags/x'>#fandom</a></p>",
                "spoiler_text": "",
                "account": {"acct": f"u{i % 997}@fans.example", "display_name": f"fan {i}"},
                "tags": [],
                "reblog": None,
            }
        )
    return statuses


def _pipeline(statuses: list[dict[str, Any]], matcher: Matcher, db: Path) -> tuple[float, int]:
    channel = "https://fans.example/tags/heartstopper"
    started = time.perf_counter()
    batches: list[RunBatch] = []
    stored = 0
    now = datetime.now(UTC)
    # One connection across the groups, as the collector keeps it through a cycle.
    with Writer(db) as writer:
        for offset in range(0, len(statuses), PAGE):
            posts = parse_statuses(
                statuses[offset : offset + PAGE], channel=channel, source_name="bench"
            )
            processed = process_posts(posts, matcher, show=None)
            run = RunRecord("bench", "mastodon", channel, now, now, "ok", len(posts), 0)
            state = SourceState("bench", channel, "mastodon", cursor=posts[-1].post_id)
            batches.append(RunBatch(run=run, posts=processed.relevant, states=[state]))
            if len(batches) == GROUP:
                stored += sum(writer.save(batches))
                batches = []
        if batches:
            stored += sum(writer.save(batches))
    return time.perf_counter() - started, stored


def _texts(statuses: list[dict[str, Any]]) -> list[str]:
    posts = parse_statuses(statuses, channel="c", source_name="bench")
    return [f"{p.title}\n{p.text}" if p.title else p.text for p in posts]


def _vader_alone(texts: list[str]) -> float:
    analyzer = SentimentIntensityAnalyzer()
    started = time.perf_counter()
    for text in texts:
        analyzer.polarity_scores(text)
    return time.perf_counter() - started


def _naive(statuses: list[dict[str, Any]], texts: list[str], path: Path) -> float:
    """VADER per post, one INSERT and commit each: the first script most people write."""
    analyzer = SentimentIntensityAnalyzer()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE posts (id TEXT PRIMARY KEY, text TEXT, compound REAL)")
    started = time.perf_counter()
    for status, text in zip(statuses, texts, strict=True):
        compound = analyzer.polarity_scores(text)["compound"]
        con.execute("INSERT OR IGNORE INTO posts VALUES (?, ?, ?)", (status["uri"], text, compound))
        con.commit()
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed


def run(posts: int = POSTS) -> dict[str, Any]:
    statuses = _statuses(posts)
    texts = _texts(statuses)
    config = load_config(Path("config/fanpulse.toml"))
    matcher = Matcher(config.watchlist)
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        prepare_database(db, config.watchlist.entities())
        vader = _vader_alone(texts)
        pipeline, stored = _pipeline(statuses, matcher, db)
        started = time.perf_counter()
        score_many(texts, workers=workers)
        parallel = time.perf_counter() - started
        naive = _naive(statuses, texts, Path(tmp) / "naive.sqlite")
    return {
        "posts": posts,
        "stored": stored,
        "vader_alone_posts_per_s": round(posts / vader),
        "pipeline_posts_per_s": round(posts / pipeline),
        "pipeline_vs_vader": round(vader / pipeline, 2),
        "workers": workers,
        "parallel_scoring_posts_per_s": round(posts / parallel),
        "parallel_scoring_vs_vader": round(vader / parallel, 2),
        "naive_posts_per_s": round(posts / naive),
        "pipeline_vs_naive": round(naive / pipeline, 2),
    }


if __name__ == "__main__":
    print(run())
