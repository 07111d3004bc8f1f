"""The .sql loader: slots filled only from fixed tables, parameters found and bound by name."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import duckdb
import pytest

from analytics.core.filters import Filters
from analytics.core.sql import SqlFiles
from analytics.queries.sql import queries
from analytics.store.views import view_sql


@pytest.fixture
def sql_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SqlFiles:
    package = tmp_path / "sqlfiles_under_test"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_scope.sql").write_text("SELECT * FROM posts p WHERE {{filters}}")
    (package / "count.sql").write_text(
        "-- a $comment is no parameter, nor is '$text' in a string\n"
        "WITH scoped AS ({{_scope}})\n"
        "SELECT count(*), date_trunc({{bucket}}, max(created_at)), '$x' FROM scoped\n"
        "WHERE source <> $skip"
    )
    (package / "two.sql").write_text(
        "SELECT (SELECT count(*) FROM posts p WHERE {{filters}}),"
        " (SELECT count(*) FROM posts p WHERE {{baseline_filters}})"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return SqlFiles("sqlfiles_under_test")


def _posts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE posts (post_id VARCHAR, created_at TIMESTAMPTZ, source VARCHAR,"
        " source_name VARCHAR, lang VARCHAR)"
    )
    con.execute("CREATE TABLE mentions (post_id VARCHAR, entity_id VARCHAR)")
    # The entity filter counts a show's members too, through the show_links view.
    con.execute("CREATE TABLE entities (entity_id VARCHAR, kind VARCHAR)")
    con.execute("CREATE TABLE entity_shows (entity_id VARCHAR, show_id VARCHAR)")
    con.execute(view_sql("show_links"))
    con.execute(
        "INSERT INTO posts VALUES"
        " ('a', '2024-01-01 10:00+00', 'rss', 'feed', 'en'),"
        " ('b', '2024-01-02 10:00+00', 'reddit', 'sub', 'en'),"
        " ('c', '2024-01-03 10:00+00', 'reddit', 'sub', NULL)"
    )
    con.execute("INSERT INTO mentions VALUES ('a', 'show:x'), ('b', 'show:y'), ('c', 'show:x')")


def test_slots_are_filled_and_parameters_found_outside_strings(sql_package: SqlFiles) -> None:
    filters = Filters(start=datetime(2024, 1, 2, tzinfo=UTC), entity_ids=("show:x",))
    sql = sql_package.load("count", bucket="day", filters=filters.active())
    assert "{{" not in sql.text
    assert "date_trunc('day'" in sql.text
    assert sql.names == {"start", "entity_ids", "skip"}
    con = duckdb.connect()
    _posts(con)
    rows = con.execute(sql.text, sql.bind(filters.params(), skip="rss", unused=1)).fetchall()
    assert rows[0][0] == 1  # only c: after the start, mentions show:x, not rss
    assert rows[0][2] == "$x"


def test_each_filter_field_narrows_by_its_own_condition(sql_package: SqlFiles) -> None:
    con = duckdb.connect()
    _posts(con)
    cases = {
        Filters(): 3,
        Filters(end=datetime(2024, 1, 2, tzinfo=UTC)): 1,
        Filters(entity_ids=("show:y", "show:none")): 1,
        Filters(source_names=("sub",)): 2,
        Filters(sources=("rss", "reddit")): 3,
        Filters(langs=("en",)): 2,
        Filters(sources=("reddit",), langs=("en",)): 1,
    }
    for filters, expected in cases.items():
        sql = sql_package.load("count", bucket="hour", filters=filters.active())
        row = con.execute(sql.text, sql.bind(filters.params(), skip="")).fetchall()[0]
        assert row[0] == expected, filters


def test_baseline_filters_take_prefixed_names(sql_package: SqlFiles) -> None:
    target = Filters(sources=("rss",))
    baseline = Filters(sources=("reddit",))
    sql = sql_package.load("two", filters=target.active(), baseline_filters=baseline.active())
    assert sql.names == {"sources", "baseline_sources"}
    con = duckdb.connect()
    _posts(con)
    bound = sql.bind(target.params(), baseline.params("baseline_"))
    assert con.execute(sql.text, bound).fetchall() == [(1, 2)]


def test_only_fixed_choices_fill_a_slot(sql_package: SqlFiles) -> None:
    with pytest.raises(KeyError):
        sql_package.load("count", bucket="day'); DROP TABLE posts; --", filters=())
    with pytest.raises(ValueError, match="no choice given for {{bucket}}"):
        sql_package.load("count", filters=())
    with pytest.raises(KeyError):
        sql_package.load("count", bucket="day", filters=("start", "text ILIKE '%'"))


def test_a_missing_parameter_is_named(sql_package: SqlFiles) -> None:
    sql = sql_package.load("count", bucket="day", filters=())
    with pytest.raises(TypeError, match=r"count\.sql: missing parameters \['skip'\]"):
        sql.bind(Filters().params())


def test_every_query_file_loads_with_snake_case_parameters() -> None:
    folder = files("analytics.queries.sql")
    names = sorted(f.name for f in folder.iterdir() if f.name.endswith(".sql"))
    assert names, "no .sql files found"
    # Unused choices are ignored: give every slot its first key.
    choices: dict[str, str | tuple[str, ...]] = {
        slot: next(iter(keys)) for slot, keys in queries.fragments.items()
    }
    choices |= {"filters": (), "baseline_filters": ()}
    for file_name in names:
        if file_name.startswith("_"):
            continue
        sql = queries.load(file_name.removesuffix(".sql"), **choices)
        assert "{{" not in sql.text, file_name
        assert "?" not in re.sub(r"'(?:[^']|'')*'", "", sql.text), file_name
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", name) for name in sql.names), file_name
