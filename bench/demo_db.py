"""Demo databases for the benchmarks, built once under ``bench/data/`` and reused."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from analytics.core.config import load_config
from fanpulse.demo import build_demo

DATA = Path(__file__).resolve().parent / "data"
CONFIG = Path(__file__).resolve().parent.parent / "config" / "fanpulse.toml"


def demo_database(posts: int) -> tuple[Path, float | None]:
    """The demo file with ``posts`` posts, and how long building it took (None: reused)."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"demo-{posts}.duckdb"
    if path.exists():
        return path, None
    started = time.perf_counter()
    # Ending at today's midnight: the default dashboard period always holds the recent buzz.
    end = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    partial = path.with_suffix(".partial")
    build_demo(load_config(CONFIG), partial, posts=posts, end=end, overwrite=True)
    partial.rename(path)
    return path, time.perf_counter() - started
