"""A snapshot killed half-way leaves a temporary copy; the next snapshot clears it away,
but never a copy another live process is still writing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from analytics.store import prepare_database
from analytics.store.snapshot import write_snapshot


def test_leftovers_of_killed_snapshots_go_and_live_ones_stay(tmp_path: Path) -> None:
    database = tmp_path / "fanpulse.duckdb"
    prepare_database(database, [])
    target = tmp_path / "fanpulse-snapshot.duckdb"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        abandoned = tmp_path / f".{target.name}.{gone.pid}.tmp"
        abandoned_wal = tmp_path / f".{target.name}.{gone.pid}.tmp.wal"
        in_progress = tmp_path / f".{target.name}.{alive.pid}.tmp"
        unrelated = tmp_path / ".other.duckdb.1.tmp"
        for path in (abandoned, abandoned_wal, in_progress, unrelated):
            path.write_bytes(b"half a copy")
        result = write_snapshot(database, target)
        assert result.path == target and target.exists()
        assert not abandoned.exists() and not abandoned_wal.exists()
        assert in_progress.exists()  # another process is still writing it
        assert unrelated.exists()  # not a copy of this snapshot
    finally:
        alive.kill()
        alive.wait()
