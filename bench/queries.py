"""Dashboard data loading per page on 1M and 10M demo posts: p50/p95 of each page's loaders
with the cache cleared (the queries, not Streamlit's memo), against a bare full scan of
``posts`` on the same file in the same run.

The filters are the dashboard's defaults: the last 30 days of data, all entities, all
sources; Explore searches a word. Each page is loaded ``REPEATS`` times.
"""

from __future__ import annotations

import logging
import os
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from analytics.core.config import load_config
from analytics.core.events import load_events
from analytics.core.filters import Filters
from analytics.queries.term_words import watched_terms
from analytics.store import connect
from bench.demo_db import CONFIG, demo_database

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000000,10000000").split(",")]
REPEATS = int(os.environ.get("BENCH_REPEATS", "15"))

# Outside `streamlit run` every cache call warns that there is no runtime: expected here.
# A filter, as Streamlit sets its loggers' levels itself.
logging.getLogger("streamlit.runtime.caching.cache_data_api").addFilter(
    lambda record: "No runtime found" not in record.getMessage()
)


def _pages(path: str, filters: Filters) -> dict[str, Callable[[], object]]:
    # Imported here: the dashboard module pulls in Streamlit, which the other sections skip.
    from dashboard import data

    config = load_config(CONFIG)
    specs = config.source_specs()
    events = tuple(load_events(config.events_path)) if config.events_path else ()
    premieres = tuple(data.latest_premieres(events))  # as the Compare page chooses them
    watched = watched_terms(config.watchlist)  # as the Conversation page passes them
    loaders = {
        "overview": lambda: data.load_overview(path, filters, specs),
        "compare": lambda: (
            data.load_compare(path, filters, (), ()),
            data.load_premiere_curves(path, premieres, (), 30),
        ),
        "conversation": lambda: data.load_conversation(path, filters, watched=watched),
        "attention": lambda: data.load_attention(path, filters),
        "explore": lambda: data.load_explore(path, filters, "trailer", ()),
        "health": lambda: data.load_collection(path, filters, specs),
    }
    return loaders


def _clear() -> None:
    import streamlit as st

    st.cache_data.clear()


def _timed(action: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        _clear()
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _scan(path: Path) -> Callable[[], object]:
    def scan() -> object:
        with connect(path, read_only=True) as con:
            return con.execute("SELECT count(*), avg(sentiment) FROM posts").fetchall()

    return scan


def measure(posts: int, repeats: int = REPEATS) -> dict[str, Any]:
    path, built = demo_database(posts)
    with connect(path, read_only=True) as con:
        last = con.execute("SELECT max(created_at) FROM posts").fetchall()[0][0]
    filters = Filters(start=last - timedelta(days=30), end=last + timedelta(seconds=1))
    scan = _timed(_scan(path), repeats)
    result: dict[str, Any] = {
        "posts": posts,
        "file_mb": round(path.stat().st_size / 1e6),
        "bytes_per_post": round(path.stat().st_size / posts),
        "build_seconds": round(built, 1) if built is not None else "reused",
        "bare_scan_p50_ms": round(statistics.median(scan), 1),
        "pages": {},
    }
    for page, action in _pages(str(path), filters).items():
        action()  # the first call opens files and warms DuckDB's own buffers
        times = _timed(action, repeats)
        p50, p95 = statistics.median(times), _p95(times)
        result["pages"][page] = {
            "p50_ms": round(p50, 1),
            "p95_ms": round(p95, 1),
            "p95_vs_bare_scan": round(p95 / max(result["bare_scan_p50_ms"], 0.1), 1),
        }
    result["worst_page_p95_ms"] = max(p["p95_ms"] for p in result["pages"].values())
    return result


def run() -> dict[str, Any]:
    return {_label(size): measure(size) for size in SIZES}


def _label(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1_000}k"


if __name__ == "__main__":
    print(run())
