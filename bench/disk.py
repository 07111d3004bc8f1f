"""Bytes per post on disk, against Parquet (zstd) of the same rows.

Two files are built fresh in a temporary directory, so nothing dropped or rewritten
earlier lingers in them:

- ``collected``: what collection writes. The ingest bench's Mastodon-shaped pages are
  parsed, matched and scored, then stored group by group (posts, mentions, story keys,
  engagement history and refresh ids, runs, states) and the file closed. The store is
  timed twice on the same groups: a connection per group, and one kept connection.
- ``demo``: ``fanpulse demo`` at ``DISK_DEMO_POSTS`` posts (years of posts, mentions,
  engagement history, pageviews and alerts, but no story keys).

For each: the file's size per stored post; where the bytes are (each table's column data,
the rest being indexes and the catalog, and free blocks); and the same tables written as
Parquet with zstd, the compact form a one-off export would take.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from analytics.core.config import load_config
from analytics.core.models import RunBatch, RunRecord, SourceState
from analytics.store import Writer, connect, prepare_database, save_batches
from bench.demo_db import CONFIG

COLLECTED_POSTS = int(os.environ.get("DISK_POSTS", "40000"))
DEMO_POSTS = int(os.environ.get("DISK_DEMO_POSTS", "500000"))
GOAL = 80


def _groups(statuses: int) -> list[list[RunBatch]]:
    """The ingest bench's pages, parsed, matched and scored, in its group commits."""
    from bench.ingest import GROUP, PAGE, _statuses
    from collector.matching import Matcher
    from collector.pipeline import process_posts
    from collector.sources.mastodon import parse_statuses

    matcher = Matcher(load_config(CONFIG).watchlist)
    channel = "https://fans.example/tags/heartstopper"
    now = datetime.now(UTC)
    pages = _statuses(statuses)
    batches = []
    for offset in range(0, len(pages), PAGE):
        posts = parse_statuses(pages[offset : offset + PAGE], channel=channel, source_name="bench")
        run = RunRecord("bench", "mastodon", channel, now, now, "ok", len(posts), 0)
        state = SourceState("bench", channel, "mastodon", cursor=posts[-1].post_id)
        relevant = process_posts(posts, matcher, show=None).relevant
        batches.append(RunBatch(run=run, posts=relevant, states=[state]))
    return [batches[i : i + GROUP] for i in range(0, len(batches), GROUP)]


def _store(path: Path, groups: list[list[RunBatch]], *, one_connection: bool) -> float:
    """Store ``groups`` into a new file: seconds taken, closing (and checkpoint) included."""
    prepare_database(path, load_config(CONFIG).watchlist.entities())
    started = time.perf_counter()
    if one_connection:
        with Writer(path) as writer:
            for group in groups:
                writer.save(group)
    else:
        for group in groups:
            save_batches(path, group)
    return time.perf_counter() - started


def _demo(path: Path, posts: int) -> None:
    from fanpulse.demo import build_demo

    end = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    build_demo(load_config(CONFIG), path, posts=posts, end=end, overwrite=True)


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name"
    ).fetchall()
    return [row[0] for row in rows]


def _table_blocks(con: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, float]:
    """Blocks holding each table's column data; a block shared by several tables (small
    tables share) is split between them."""
    owners: dict[int, set[str]] = {}
    for table in tables:
        rows = con.execute(
            "SELECT DISTINCT block_id FROM pragma_storage_info(?) WHERE block_id >= 0", [table]
        ).fetchall()
        for (block,) in rows:
            owners.setdefault(int(block), set()).add(table)
    blocks = dict.fromkeys(tables, 0.0)
    for names in owners.values():
        for name in names:
            blocks[name] += 1 / len(names)
    return blocks


def _art_indexes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every ART index in the file: explicit ones and those behind keys."""
    explicit = con.execute("SELECT index_name FROM duckdb_indexes() ORDER BY 1").fetchall()
    keys = con.execute(
        """
        SELECT table_name || '(' || array_to_string(constraint_column_names, ', ') || ')'
        FROM duckdb_constraints()
        WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE') ORDER BY 1
        """
    ).fetchall()
    return [row[0] for row in explicit] + [f"key {row[0]}" for row in keys]


def _parquet_bytes(con: duckdb.DuckDBPyConnection, table: str, directory: Path) -> int:
    target = directory / f"{table}.parquet"
    # Table names come from the catalog of the file just built, not from input.
    con.execute(
        f"COPY (SELECT * FROM {table}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)"  # noqa: S608
    )
    size = target.stat().st_size
    target.unlink()
    return size


def measure(path: Path, scratch: Path) -> dict[str, Any]:
    """Size per post of the file at ``path`` and where its bytes are."""
    size = path.stat().st_size
    with connect(path, read_only=True) as con:
        posts = int(con.execute("SELECT count(*) FROM posts").fetchall()[0][0])
        block_size, used, free = con.execute(
            "SELECT block_size, used_blocks, free_blocks FROM pragma_database_size()"
        ).fetchall()[0]
        tables = _tables(con)
        blocks = _table_blocks(con, tables)
        rows = {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in tables}  # noqa: S608
        data_blocks = sum(blocks.values())
        per_table = {
            table: {
                "rows": rows[table],
                "bytes_per_post": round(blocks[table] * block_size / posts, 1),
            }
            for table in sorted(tables, key=lambda t: -blocks[t])
            if blocks[table]
        }
        parquet_posts = _parquet_bytes(con, "posts", scratch)
        parquet_all = sum(_parquet_bytes(con, t, scratch) for t in tables if rows[t])
        indexes = _art_indexes(con)
    return {
        "posts": posts,
        "file_mb": round(size / 1e6, 1),
        "bytes_per_post": round(size / posts),
        "tables": per_table,
        "indexes_and_catalog_bytes_per_post": round((used - data_blocks) * block_size / posts, 1),
        "free_bytes_per_post": round(free * block_size / posts, 1),
        "art_indexes": ", ".join(indexes) or "none",
        "parquet_zstd_posts_bytes_per_post": round(parquet_posts / posts, 1),
        "parquet_zstd_all_tables_bytes_per_post": round(parquet_all / posts, 1),
    }


def run(collected: int = COLLECTED_POSTS, demo: int = DEMO_POSTS) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        groups = _groups(collected)
        # The same groups once with a connection per group, then on one kept connection
        # (Writer.max_hold still applies), each into a new file.
        per_group_path = scratch / "per-group.duckdb"
        per_group = _store(per_group_path, groups, one_connection=False)
        per_group_path.unlink()
        collected_path = scratch / "collected.duckdb"
        kept = _store(collected_path, groups, one_connection=True)
        result: dict[str, Any] = {
            "store_groups": len(groups),
            "store_seconds_connection_per_group": round(per_group, 2),
            "store_seconds_one_connection": round(kept, 2),
            "collected": measure(collected_path, scratch),
        }
        collected_path.unlink()
        demo_path = scratch / "demo.duckdb"
        _demo(demo_path, demo)
        result["demo"] = measure(demo_path, scratch)
    result["bytes_per_post"] = result["collected"]["bytes_per_post"]
    result["goal_bytes_per_post"] = f"<= {GOAL}"
    return result


if __name__ == "__main__":
    print(run())
