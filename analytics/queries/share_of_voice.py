"""Share of voice: how the conversation splits between shows, or between people.

Compared entities are those of one ``kind`` (``show`` by default; ``person`` for the
cast), optionally only the members of one show (``entities.show_id``), and only
``Filters.entity_ids`` when given. Every other filter narrows the posts counted.
An entity's mentions are the selected posts that mention it; a post mentioning two shows
counts for both, so shares are of all mentions among the compared entities and add up to
100 % (entities without mentions are listed with 0).

Every function takes an open connection (``connect(path, read_only=True)``).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from analytics.core.filters import Filters
from analytics.queries.sql import load
from analytics.queries.timeseries import without_entities
from analytics.store import Connection

VoiceKind = Literal["show", "person", "character", "ship", "theme"]


def share_of_voice(
    con: Connection,
    filters: Filters | None = None,
    kind: VoiceKind = "show",
    show_id: str | None = None,
) -> pd.DataFrame:
    """Mentions and share of the period per compared entity.

    Columns: ``entity_id``, ``name``, ``mentions``, ``share_pct`` (0–100; NULL when no
    compared entity was mentioned). Most mentioned first.
    """
    filters = filters or Filters()
    sql = load("share_of_voice", filters=without_entities(filters).active())
    show = show_id.removeprefix("show:") if show_id is not None else None  # slug or entity id
    bound = sql.bind(filters.params(), kind=kind, show_id=show)
    return con.execute(sql.text, bound).df()
