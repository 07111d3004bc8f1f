"""Analyst views over the core tables (parameter-free): one file each in ``sql/views``.

Days are UTC calendar days whatever the session's time zone, so a duckdb CLI in another
zone sees the same rows as fanpulse.

Each view is written once, as ``CREATE OR REPLACE``, and :func:`apply_views` runs them all in
the transaction of the latest migration (:mod:`analytics.store.schema`), so a new file and an
old one upgraded in place end with the same views. To change a view, edit its file and
append a migration ``Migration(N, "views: …", ())``: files at the previous version pick the
change up. ``p.*`` in a view is expanded when the view is created, so the migration that adds
a ``posts`` column re-creates the views too.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import duckdb

from analytics.core.engagement import engagement
from analytics.core.show_links import show_links

VIEWS = files("analytics.store") / "sql" / "views"

# Fixed SQL put in by name (never a value): the one engagement expression, the one rule of
# which shows a post counts for.
_FRAGMENTS = {"{{engagement}}": engagement("p"), "{{show_links}}": show_links("mentions")}


def view_names() -> list[str]:
    return sorted(f.name.removesuffix(".sql") for f in VIEWS.iterdir() if f.name.endswith(".sql"))


@cache
def view_sql(name: str) -> str:
    """The ``CREATE OR REPLACE VIEW`` statement of view ``name``, fragments filled in."""
    text = (VIEWS / f"{name}.sql").read_text("utf-8")
    for placeholder, sql in _FRAGMENTS.items():
        text = text.replace(placeholder, sql)
    if "{{" in text:
        raise ValueError(f"{name}.sql: unknown fragment")
    return text


# Views other views are built on: created before the rest.
_FOUNDATIONS = ("show_links", "show_posts")


def apply_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create or replace every analyst view (inside the caller's transaction)."""
    names = view_names()
    for name in [*_FOUNDATIONS, *(n for n in names if n not in _FOUNDATIONS)]:
        con.execute(view_sql(name))
