"""The store's written-out column lists match the tables and records they move."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analytics.core.models import RunRecord, SourceState
from analytics.store import connect, load_states, prepare_database, transaction
from analytics.store.state import LOAD_STATES_SQL
from analytics.store.write import (
    ATTENTION_COLUMNS,
    MENTION_COLUMNS,
    POST_COLUMNS,
    STATE_KEY,
    UPSERT_STATES_SQL,
    insert_mentions_from,
    insert_posts_from,
    insert_runs,
    upsert_states,
)
from tests.analytics.store.test_store import ENTITIES

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def table_columns(path: Path, table: str) -> list[str]:
    with connect(path, read_only=True) as con:
        rows = con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
    return [name for (name,) in rows]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "f.duckdb"
    prepare_database(path, ENTITIES)
    return path


def test_column_lists_are_the_tables_columns(db: Path) -> None:
    assert list(POST_COLUMNS) == table_columns(db, "posts")
    assert list(MENTION_COLUMNS) == table_columns(db, "mentions")
    assert list(ATTENTION_COLUMNS) == table_columns(db, "attention")
    assert [f.name for f in fields(SourceState)] == table_columns(db, "source_state")
    # run_id is the file's own sequence; every other column is a RunRecord field.
    assert sorted([f.name for f in fields(RunRecord)] + ["run_id"]) == sorted(
        table_columns(db, "collection_runs")
    )


def test_state_statements_name_every_field() -> None:
    names = [f.name for f in fields(SourceState)]
    select = LOAD_STATES_SQL.split("SELECT", 1)[1].split("FROM", 1)[0]
    assert [c.strip() for c in select.split(",")] == names
    updated = re.findall(r"(\w+) = excluded\.(\w+)", UPSERT_STATES_SQL)
    assert all(left == right for left, right in updated)
    assert [left for left, _ in updated] == [n for n in names if n not in STATE_KEY]


def test_runs_and_states_round_trip_every_field(db: Path) -> None:
    run = RunRecord("feed", "rss", "c", NOW, NOW, "error", 3, 1, 2, 503, "HTTP 503", "b-1")
    state = SourceState("feed", "c", "rss", '"e"', "lm", "cur", NOW, 2, "HTTP 503", NOW, NOW)
    changed = SourceState("feed", "c", "rss", '"f"', None, None, NOW, 0, None, NOW, NOW)
    with connect(db) as con, transaction(con):
        insert_runs(con, [run])
        upsert_states(con, [state])
    assert load_states(db) == {("feed", "c"): state}
    with connect(db) as con:
        upsert_states(con, [changed])
        stored = con.execute(
            "SELECT source_name, source, channel, started_at, finished_at, status, fetched, "
            "off_topic, inserted, http_status, error, batch_id FROM collection_runs"
        ).fetchall()
    assert load_states(db) == {("feed", "c"): changed}
    assert stored == [
        ("feed", "rss", "c", NOW, NOW, "error", 3, 1, 2, 503, "HTTP 503", "b-1"),
    ]


def test_bulk_rows_must_bring_exactly_the_columns(db: Path) -> None:
    with connect(db) as con:
        wrong = con.sql("SELECT 'rss:1' AS post_id, 'show:heartstopper' AS entity_id")
        with pytest.raises(ValueError, match="expected the columns"):
            insert_mentions_from(con, wrong)
        reordered = con.sql(
            "SELECT 'show:heartstopper' AS entity_id, 'rss:1' AS post_id, 'x' AS matched"
        )
        with pytest.raises(ValueError, match="expected the columns"):
            insert_mentions_from(con, reordered)
        insert_mentions_from(
            con,
            con.sql(
                "SELECT 'rss:1' AS post_id, 'show:heartstopper' AS entity_id, "
                "'Heartstopper' AS matched"
            ),
        )
        assert con.execute("SELECT * FROM mentions").fetchall() == [
            ("rss:1", "show:heartstopper", "Heartstopper")
        ]
        with pytest.raises(ValueError, match="expected the columns"):
            insert_posts_from(con, con.sql("SELECT 'rss:1' AS post_id"))
