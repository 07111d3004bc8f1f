"""`fanpulse --help` answers without loading the heavy libraries: they are imported inside
the commands that need them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "pyarrow", "duckdb", "streamlit", "httpx", "collector")

# Runs the app as the console script does, then reports which heavy modules got imported.
PROBE = """
import json, sys
from fanpulse.cli import app
try:
    app(args=sys.argv[1:], prog_name="fanpulse")
except SystemExit as exit:
    assert exit.code == 0, exit.code
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


@pytest.mark.parametrize("args", [["--help"], ["trends", "--help"], ["collect", "--help"]])
def test_help_imports_no_heavy_library(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "Usage: fanpulse" in done.stdout
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == [], f"`fanpulse {' '.join(args)}` imported {loaded}"
