"""Share of voice: how the conversation splits between shows, or between people.

Compared entities are those of one ``kind`` (``show`` by default; ``person`` for the
cast), optionally only the members of one show (``entities.show_id``), and only
``Filters.entity_ids`` when given. Every other filter narrows the posts counted.
An entity's mentions are the selected stories about it (``unit="stories"``, the default:
copies of one story count once) or posts (``unit="posts"``: every copy). A show's include
the posts about its cast, characters and ships (``analytics.core.show_links``). A post about two
shows counts for both, so shares are of all mentions among the compared entities and add up
to 100 % (entities without mentions are listed with 0).

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
Unit = Literal["stories", "posts"]


def share_of_voice(
    con: Connection,
    filters: Filters | None = None,
    kind: VoiceKind = "show",
    show_id: str | None = None,
    unit: Unit = "stories",
) -> pd.DataFrame:
    """Mentions and share of the period per compared entity.

    Columns: ``entity_id``, ``name``, ``mentions`` (of ``unit``), ``share_pct`` (0–100;
    NULL when no compared entity was mentioned), ``posts``, ``stories``. Most mentioned
    first.
    """
    if unit not in ("stories", "posts"):
        raise ValueError(f"unit must be 'stories' or 'posts', not {unit!r}")
    filters = filters or Filters()
    sql = load("share_of_voice", filters=without_entities(filters).active())
    show = show_id.removeprefix("show:") if show_id is not None else None  # slug or entity id
    bound = sql.bind(filters.params(), kind=kind, show_id=show, unit=unit)
    return con.execute(sql.text, bound).df()
