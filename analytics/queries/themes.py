"""How much of the conversation each theme takes up, and in what mood.

Themes are entities of kind ``theme`` (``theme:<id>``); a post belongs to a theme through
``mentions``, like any entity. Shares are of all posts the :class:`Filters` select, so they
do not add up to 1: a post can touch several themes, or none.

Every function takes an open connection (``connect(path, read_only=True)``).
"""

from __future__ import annotations

import pandas as pd

from analytics.core.filters import Filters
from analytics.queries.sql import load
from analytics.store import Connection


def theme_shares(con: Connection, filters: Filters | None = None) -> pd.DataFrame:
    """One row per theme entity (themes without posts included, with 0).

    Columns: ``entity_id``, ``name``, ``posts``, ``share`` (of all selected posts),
    ``share_of_themed`` (of selected posts with at least one theme), ``avg_sentiment``,
    ``positive_share`` and ``negative_share`` (of the theme's posts labelled so; the rest
    are neutral). Busiest theme first.
    """
    filters = filters or Filters()
    sql = load("themes_shares", filters=filters.active())
    return con.execute(sql.text, sql.bind(filters.params())).df()
