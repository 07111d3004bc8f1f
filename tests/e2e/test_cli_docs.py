"""docs/cli.md is generated from the Typer app, so the reference cannot drift from the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLI_DOC = REPO / "docs" / "cli.md"


def generate_cli_doc(out: Path) -> str:
    """The same command as `make docs`, written to ``out``."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "typer",
            "fanpulse.cli",
            "utils",
            "docs",
            "--name",
            "fanpulse",
            "--title",
            "fanpulse command reference",
            "--output",
            str(out),
        ],
        check=True,
        capture_output=True,
        cwd=REPO,
        timeout=60,
    )
    return out.read_text(encoding="utf-8")


def test_cli_reference_matches_the_app(tmp_path: Path) -> None:
    generated = generate_cli_doc(tmp_path / "cli.md")
    assert "## `fanpulse collect`" in generated  # the app was really read
    assert generated == CLI_DOC.read_text(encoding="utf-8"), (
        "docs/cli.md is out of date: run `make docs` and commit docs/cli.md"
    )
