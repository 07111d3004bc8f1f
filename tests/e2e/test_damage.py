"""Damaged database files: check, one-line errors with exit 4, restore, kept snapshots.

Every file here is a real DuckDB file written by the project's own store, then damaged
the way disks and copies damage files: cut short, or one bit flipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analytics.core.config import load_config
from analytics.store import connect, prepare_database, save_batches
from analytics.store.damage import DatabaseDamaged
from analytics.store.snapshot import snapshot_files, write_snapshot
from tests.analytics.store.test_store import ENTITIES, batch, scored
from tests.dashboard.test_pages import APP
from tests.e2e.test_cli import fanpulse

BLOCK_HEADERS = 3 * 4096  # DuckDB's file headers before block 0


def build_db(path: Path, posts: int = 2000, prefix: str = "rss:item") -> Path:
    prepare_database(path, ENTITIES)
    save_batches(path, [batch(scored(posts, prefix=prefix))])
    return path


def titles(path: Path) -> set[str]:
    with connect(path, read_only=True) as con:
        return {row[0] for row in con.execute("SELECT title FROM posts").fetchall()}


def post_count(path: Path) -> int:
    with connect(path, read_only=True) as con:
        row = con.execute("SELECT count(*) FROM posts").fetchone()
    assert row is not None
    return int(row[0])


def truncate_half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _block_size(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()
    assert row is not None
    return int(row[0])


def flip_bit(path: Path, block: int, block_size: int) -> None:
    offset = BLOCK_HEADERS + block * block_size + 100
    with open(path, "r+b") as file:
        file.seek(offset)
        byte = file.read(1)[0]
        file.seek(offset)
        file.write(bytes([byte ^ 0x10]))


def flip_in_post_text(path: Path) -> None:
    """Flip one bit in a block holding the posts' text (only a full read meets it)."""
    con = duckdb.connect(str(path), read_only=True)
    size = _block_size(con)
    row = con.execute(
        "SELECT block_id FROM pragma_storage_info('posts') "
        "WHERE column_name = 'text' AND block_id >= 0 LIMIT 1"
    ).fetchone()
    con.close()
    assert row is not None
    flip_bit(path, int(row[0]), size)


def flip_in_an_index(path: Path) -> None:
    """Flip one bit in a block that is neither table data nor metadata: an index block."""
    con = duckdb.connect(str(path), read_only=True)
    size = _block_size(con)
    total = con.execute("SELECT total_blocks, free_blocks FROM pragma_database_size()").fetchone()
    assert total is not None and total[1] == 0  # so a block not listed is an index block
    used = {r[0] for r in con.execute("SELECT block_id FROM pragma_metadata_info()").fetchall()}
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
        used |= {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT block_id FROM pragma_storage_info(?) WHERE block_id >= 0",
                [table],
            ).fetchall()
        }
    con.close()
    index_blocks = sorted(set(range(int(total[0]))) - used)
    assert index_blocks
    flip_bit(path, index_blocks[0], size)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def config(make_config: Callable[..., Path], tmp_path: Path) -> Path:
    path = make_config([], database_options={"snapshot_keep": 3})
    build_db(tmp_path / "fanpulse.duckdb")
    return path


# ---------------------------------------------------------------- what DuckDB alone does


def test_an_ordinary_open_refuses_a_truncated_file(tmp_path: Path) -> None:
    db = build_db(tmp_path / "f.duckdb")
    truncate_half(db)
    # DuckDB itself answers from metadata as if the file were whole.
    raw = duckdb.connect(str(db), read_only=True)
    assert raw.execute("SELECT count(*) FROM posts").fetchone() == (2000,)
    raw.close()
    with pytest.raises(DatabaseDamaged, match="truncated"), connect(db, read_only=True) as con:
        con.execute("SELECT count(*) FROM posts").fetchone()


# ---------------------------------------------------------------- fanpulse check


def test_check_passes_a_sound_file(config: Path) -> None:
    result = fanpulse(config, "check")
    assert result.returncode == 0, result.stderr
    assert "is sound: 9 tables" in result.stdout  # story_keys is the ninth (schema version 14)
    assert "2,000 posts" in result.stdout
    assert "data and indexes" in result.stdout


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (truncate_half, "truncated"),
        (flip_in_post_text, "table posts: a block fails its checksum"),
        (flip_in_an_index, "an index of table"),
    ],
)
def test_check_names_the_damage(
    config: Path, tmp_path: Path, damage: Callable[[Path], None], named: str
) -> None:
    damage(tmp_path / "fanpulse.duckdb")
    result = fanpulse(config, "check")
    assert result.returncode == 1, result.stdout + result.stderr
    line = one_line(result)
    assert line.startswith(f"damaged: {tmp_path / 'fanpulse.duckdb'}")
    assert named in line
    assert "fanpulse restore" in line
    assert not list(tmp_path.glob(".fanpulse.duckdb.check-*"))  # the scratch copy is gone


# ---------------------------------------------------------------- every other command


COMMANDS = [
    ["status"],
    ["query", "SELECT count(*) FROM posts"],
    ["trends"],
    ["export", "{tmp}/out.csv"],
    ["collect", "--once"],
    ["run"],
    ["snapshot"],
    ["sources"],
    ["alerts"],
    ["rescore"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_every_command_meets_a_truncated_file_with_one_line_and_exit_4(
    config: Path, tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "fanpulse.duckdb"
    truncate_half(db)
    result = fanpulse(config, *(arg.format(tmp=tmp_path) for arg in command), timeout=60)
    assert result.returncode == 4, result.stdout + result.stderr
    line = one_line(result)
    assert str(db) in line and "truncated" in line
    assert "run `fanpulse check`, then `fanpulse restore`" in line


@pytest.mark.parametrize("command", [["query", "SELECT max(text) FROM posts"], ["run"]])
def test_a_flipped_bit_in_post_text_gets_one_line_and_exit_4(
    config: Path, tmp_path: Path, command: list[str]
) -> None:
    flip_in_post_text(tmp_path / "fanpulse.duckdb")
    result = fanpulse(config, *command, timeout=60)
    assert result.returncode == 4, result.stdout + result.stderr
    assert "checksum" in one_line(result)


# ---------------------------------------------------------------- snapshots and restore


def test_snapshots_rotate_keeping_the_newest_k(tmp_path: Path) -> None:
    db = build_db(tmp_path / "f.duckdb", posts=10)
    target = tmp_path / "f-snapshot.duckdb"
    for round_no in range(4):
        save_batches(db, [batch(scored(5, prefix=f"rss:round{round_no}"))])
        if target.exists():  # each snapshot an hour after the one before
            hours_ago = (4 - round_no) * 3600
            os.utime(target, (target.stat().st_atime, target.stat().st_mtime - hours_ago))
        write_snapshot(db, target, keep=3)
    kept = snapshot_files(target)
    assert kept[0] == target and len(kept) == 3
    assert [post_count(path) for path in kept] == [30, 25, 20]  # newest first
    assert all(path.name.startswith("f-snapshot-") for path in kept[1:])


def test_a_damaged_file_never_replaces_a_good_snapshot(tmp_path: Path) -> None:
    db = build_db(tmp_path / "f.duckdb")
    target = tmp_path / "f-snapshot.duckdb"
    write_snapshot(db, target, keep=3)
    before = target.read_bytes()
    flip_in_post_text(db)
    with pytest.raises(DatabaseDamaged, match="checksum"):
        write_snapshot(db, target, keep=3)
    assert target.read_bytes() == before
    assert snapshot_files(target) == [target]


def test_restore_brings_back_the_snapshot_and_keeps_the_damaged_file(
    config: Path, tmp_path: Path
) -> None:
    db = tmp_path / "fanpulse.duckdb"
    served = titles(db)
    assert fanpulse(config, "snapshot").returncode == 0
    truncate_half(db)
    damaged_bytes = db.read_bytes()

    result = fanpulse(config, "restore")
    assert result.returncode == 0, result.stderr
    assert "2,000 posts" in result.stdout
    assert "newest collected" in result.stdout
    assert titles(db) == served
    aside = list(tmp_path.glob("fanpulse.duckdb.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged_bytes
    assert str(aside[0]) in result.stdout
    assert (tmp_path / "fanpulse-snapshot.duckdb").exists()  # the snapshot stays
    assert fanpulse(config, "check").returncode == 0


def test_restore_skips_a_damaged_newer_snapshot(config: Path, tmp_path: Path) -> None:
    db = tmp_path / "fanpulse.duckdb"
    snapshot = tmp_path / "fanpulse-snapshot.duckdb"
    assert fanpulse(config, "snapshot").returncode == 0
    os.utime(snapshot, (snapshot.stat().st_atime, snapshot.stat().st_mtime - 3600))
    save_batches(db, [batch(scored(5, prefix="rss:later"))])
    assert fanpulse(config, "snapshot").returncode == 0
    older = snapshot_files(snapshot)[1]
    flip_in_post_text(snapshot)
    flip_in_post_text(db)

    result = fanpulse(config, "restore")
    assert result.returncode == 0, result.stderr
    assert f"skipped {snapshot}" in result.stdout
    assert f"from {older}" in result.stdout
    assert post_count(db) == 2000


def test_restore_refuses_while_another_process_has_the_file(config: Path, tmp_path: Path) -> None:
    db = tmp_path / "fanpulse.duckdb"
    assert fanpulse(config, "snapshot").returncode == 0
    truncate_half(db)
    before = db.read_bytes()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, duckdb\n"
            "con = duckdb.connect(sys.argv[1], read_only=True)\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = fanpulse(config, "restore")
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert "open in another process" in one_line(result)
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("*.damaged-*"))


def test_restore_refuses_to_replace_a_sound_file(config: Path, tmp_path: Path) -> None:
    assert fanpulse(config, "snapshot").returncode == 0
    save_batches(tmp_path / "fanpulse.duckdb", [batch(scored(5, prefix="rss:newer"))])
    result = fanpulse(config, "restore")
    assert result.returncode == 1
    assert "passes the check" in one_line(result)
    assert post_count(tmp_path / "fanpulse.duckdb") == 2005


# ---------------------------------------------------------------- the dashboard


def test_the_dashboard_explains_a_damaged_file(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    truncate_half(tmp_path / "fanpulse.duckdb")
    monkeypatch.setenv("FANPULSE_CONFIG", str(config))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "The database file is damaged"
    assert str(load_config(config).database_path) in app.error[0].value
    assert "truncated" in app.error[0].value
    steps = app.markdown[0].value
    assert "`fanpulse check`" in steps and "`fanpulse restore`" in steps
    assert not app.get("vega_lite_chart")
