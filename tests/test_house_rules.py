"""The house rules, checked on every run: small modules, simple functions, one writer.

A rule broken here is a design problem to fix, not a number to raise: split the module or
the function, or move the write into ``analytics.store``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from radon.complexity import cc_visit

from tests.conftest import REPO

PACKAGES = ("fanpulse", "collector", "analytics", "dashboard")
MAX_LINES = 500
MAX_COMPLEXITY = 15
# Data tables, not logic: long by nature.
DATA_TABLES = {"analytics/sentiment/fandom_lexicon.py"}
# Statements that change the database file. Temporary tables (the demo's scratch work)
# live in memory and cannot reach it.
WRITES = re.compile(
    r"\b(INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|MERGE\s+INTO|"
    r"ALTER\s+TABLE|DROP\s+(TABLE|VIEW|INDEX|SEQUENCE|MACRO)|"
    r"CREATE\s+(OR\s+REPLACE\s+)?(TABLE|VIEW|INDEX|SEQUENCE|MACRO))\b"
)


def _sources(*suffixes: str) -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for suffix in suffixes
        for path in (REPO / package).rglob(f"*{suffix}")
        if "__pycache__" not in path.parts
    )


def _name(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def test_the_rules_see_the_code() -> None:
    # A moved tree must not turn these checks into checks of nothing.
    assert len(_sources(".py")) > 80


@pytest.mark.parametrize("path", _sources(".py"), ids=_name)
def test_modules_stay_small(path: Path) -> None:
    if _name(path) in DATA_TABLES:
        return
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_name(path)} has {lines} lines: split it by responsibility"


@pytest.mark.parametrize("path", _sources(".py"), ids=_name)
def test_functions_stay_simple(path: Path) -> None:
    blocks = cc_visit(path.read_text(encoding="utf-8"))
    complex_ = [
        f"{block.fullname} ({block.complexity})"
        for block in blocks
        if block.complexity > MAX_COMPLEXITY and type(block).__name__ == "Function"
    ]
    assert not complex_, f"{_name(path)}: over {MAX_COMPLEXITY}: {', '.join(complex_)}"


def test_only_the_store_writes() -> None:
    store = REPO / "analytics" / "store"
    found = [
        f"{_name(path)}: {match.group(0)}"
        for path in _sources(".py", ".sql")
        if store not in path.parents
        for match in WRITES.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, "writes outside analytics.store: " + "; ".join(found)


def test_the_write_pattern_finds_writes() -> None:
    assert WRITES.search("INSERT OR IGNORE INTO mentions SELECT 1")
    assert WRITES.search("UPDATE posts SET sentiment = 0")
    assert WRITES.search("CREATE OR REPLACE VIEW daily AS SELECT 1")
    assert not WRITES.search("CREATE TEMP TABLE scratch AS SELECT 1")
    assert not WRITES.search("SELECT count(*) FROM posts")
