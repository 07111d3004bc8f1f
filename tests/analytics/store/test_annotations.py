"""Annotations: notes on days, stored through the one write path and read back."""

from __future__ import annotations

import csv
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from analytics.queries.annotations import annotations
from analytics.store import DatabaseBusy, connect, prepare_database
from analytics.store.annotations import MAX_NOTE_CHARS, add_annotation, delete_annotation
from analytics.store.schema import LATEST_VERSION, migrate
from tests.conftest import write_config
from tests.e2e.test_cli import fanpulse
from tests.support.daemon_harness import hold_read_write


def read(db: Path, first: date | None = None, last: date | None = None) -> list[tuple]:
    with connect(db, read_only=True) as con:
        frame = annotations(con, first, last)
    return [(d, n) for d, n in zip(frame["day"], frame["note"], strict=True)]


def test_a_note_is_stored_for_its_day_and_read_back_in_order(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, [])
    add_annotation(db, date(2026, 12, 3), "  influencer   campaign went live ")
    add_annotation(db, date(2026, 11, 20), "trailer <b>dropped</b>")
    add_annotation(db, date(2026, 12, 3), "second note, same day")
    assert read(db) == [
        (date(2026, 11, 20), "trailer <b>dropped</b>"),
        (date(2026, 12, 3), "influencer campaign went live"),
        (date(2026, 12, 3), "second note, same day"),
    ]
    assert read(db, date(2026, 12, 1), date(2026, 12, 3)) == read(db)[1:]
    assert read(db, date(2026, 11, 21), date(2026, 12, 2)) == []


def test_a_note_needs_text_and_a_reasonable_length(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, [])
    for bad in ("", "   ", "x" * (MAX_NOTE_CHARS + 1)):
        with pytest.raises(ValueError):
            add_annotation(db, date(2026, 12, 3), bad)
    assert read(db) == []


def test_an_older_file_reads_as_no_notes_and_gains_the_table_on_first_note(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.duckdb"
    with connect(db) as con:
        migrate(con, upto=14)
    assert read(db) == [], "a reader cannot upgrade the file: it sees no notes"
    add_annotation(db, date(2026, 12, 1), "campaign")
    assert read(db) == [(date(2026, 12, 1), "campaign")]
    with connect(db, read_only=True) as con:
        versions = [v for (v,) in con.execute("SELECT version FROM schema_version").fetchall()]
    assert max(versions) == LATEST_VERSION


def test_the_table_stands_on_its_own_whatever_ran_before(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    with connect(db) as con:
        migrate(con, upto=14)
        # Created already (by hand, or by another line of migrations): 16 keeps it as is.
        con.execute(
            "CREATE TABLE annotations (annotation_id VARCHAR PRIMARY KEY, day DATE NOT NULL,"
            " note VARCHAR NOT NULL, added_at TIMESTAMPTZ NOT NULL)"
        )
        con.execute("INSERT INTO annotations VALUES ('a', DATE '2026-01-02', 'kept', now())")
        migrate(con)
    assert read(db) == [(date(2026, 1, 2), "kept")]


def test_a_note_waits_for_another_writer_then_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, [])
    holder = hold_read_write(db, 1.5)
    try:
        started = time.monotonic()
        add_annotation(db, date(2026, 12, 3), "after the lock", lock_timeout=30)
        assert time.monotonic() - started > 0.5, "it waited for the holder"
    finally:
        holder.wait(timeout=30)
    assert read(db) == [(date(2026, 12, 3), "after the lock")]
    holder = hold_read_write(db, 5)
    try:
        with pytest.raises(DatabaseBusy):
            add_annotation(db, date(2026, 12, 4), "never", lock_timeout=0.5)
    finally:
        holder.wait(timeout=30)
    assert len(read(db)) == 1


def test_a_note_waits_for_a_reader_of_the_same_process(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, [])
    opened = threading.Event()

    def reader() -> None:
        with connect(db, read_only=True) as con:
            con.execute("SELECT count(*) FROM posts").fetchall()
            opened.set()
            time.sleep(0.8)

    thread = threading.Thread(target=reader)
    thread.start()
    opened.wait(10)
    add_annotation(db, date(2026, 12, 3), "while a page read", lock_timeout=20)
    thread.join()
    assert read(db) == [(date(2026, 12, 3), "while a page read")]


def test_a_note_can_be_removed(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, [])
    kept = add_annotation(db, date(2026, 12, 3), "kept")
    gone = add_annotation(db, date(2026, 12, 4), "gone")
    assert delete_annotation(db, gone) is True
    assert delete_annotation(db, gone) is False
    assert read(db) == [(date(2026, 12, 3), "kept")]
    assert kept != gone


def test_notes_are_exported_like_any_table(tmp_path: Path) -> None:
    config = write_config(tmp_path, [])
    db = tmp_path / "fanpulse.duckdb"
    prepare_database(db, [])
    add_annotation(db, date(2026, 11, 2), '=HYPERLINK("x") campaign', now=datetime.now(UTC))
    add_annotation(db, date(2026, 12, 3), "influencer campaign went live")
    out = tmp_path / "notes.csv"
    done = fanpulse(config, "export", str(out), "--what", "annotations", "--since", "2026-12-01")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    shown = [(r["day"], r["note"]) for r in rows]
    assert shown == [("2026-12-03", "influencer campaign went live")]
