"""Analyst views: each written once, the same on a new file and on an old one upgraded."""

from __future__ import annotations

import re
from pathlib import Path

from analytics.store import connect
from analytics.store.schema import MIGRATIONS, migrate
from analytics.store.views import view_names
from tests.conftest import REPO

CREATE_VIEW = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(\w+)", re.IGNORECASE)


def views_and_versions(path: Path) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    with connect(path, read_only=True) as con:
        views = con.execute(
            "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY 1"
        ).fetchall()
        versions = con.execute("SELECT version, name FROM schema_version ORDER BY 1").fetchall()
    return views, versions


def test_every_view_is_written_once_in_its_own_file() -> None:
    written: dict[str, list[str]] = {}
    for path in sorted((REPO / "analytics").rglob("*")):
        if path.suffix in (".py", ".sql"):
            for name in CREATE_VIEW.findall(path.read_text("utf-8")):
                written.setdefault(name, []).append(str(path.relative_to(REPO)))
    assert written == {name: [f"analytics/store/sql/views/{name}.sql"] for name in view_names()}


def test_a_version_1_file_upgraded_in_place_gets_the_views_of_a_new_file(
    tmp_path: Path,
) -> None:
    new, old = tmp_path / "new.duckdb", tmp_path / "old.duckdb"
    with connect(new) as con:
        migrate(con)
    with connect(old) as con:
        migrate(con, upto=1)
    with connect(old) as con:
        migrate(con)
    views, versions = views_and_versions(new)
    assert [name for name, _ in views] == view_names()
    assert views_and_versions(old) == (views, versions)
    assert [v for v, _ in versions] == [m.version for m in MIGRATIONS]
