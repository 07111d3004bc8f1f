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

import duckdb
import pandas as pd

from analytics.core.filters import Filters
from analytics.queries.timeseries import placeholders, without_entities

VoiceKind = Literal["show", "person", "character", "ship", "theme"]


def _compared(
    kind: VoiceKind, show_id: str | None, entity_ids: tuple[str, ...]
) -> tuple[str, list[object]]:
    """The condition on ``entities`` choosing the compared entities, and its parameters."""
    clauses, params = ["kind = ?"], [kind]
    if show_id is not None:
        # entities.show_id holds the show's slug; accept its entity id too.
        clauses.append("show_id = ?")
        params.append(show_id.removeprefix("show:"))
    if entity_ids:
        clauses.append(f"entity_id IN {placeholders(entity_ids)}")
        params.extend(entity_ids)
    return " AND ".join(clauses), params


def _compared_counts(
    filters: Filters, kind: VoiceKind, show_id: str | None
) -> tuple[str, list[object]]:
    """``WITH`` clauses ``compared`` (entity_id, name) and ``counts`` (entity_id, mentions):
    each compared entity's mentions among the filtered posts; and their parameters.
    """
    compared, compared_params = _compared(kind, show_id, filters.entity_ids)
    where, params = without_entities(filters).where("p")
    # Formatted in: the conditions above (fixed text, "?" only).
    ctes = f"""
        WITH compared AS (SELECT entity_id, name FROM entities WHERE {compared}),
        counts AS (
            SELECT m.entity_id, count(*) AS mentions
            FROM mentions m JOIN posts p USING (post_id)
            WHERE m.entity_id IN (SELECT entity_id FROM compared) AND {where}
            GROUP BY ALL
        )"""  # noqa: S608
    return ctes, [*compared_params, *params]


def share_of_voice(
    con: duckdb.DuckDBPyConnection,
    filters: Filters | None = None,
    kind: VoiceKind = "show",
    show_id: str | None = None,
) -> pd.DataFrame:
    """Mentions and share of the period per compared entity.

    Columns: ``entity_id``, ``name``, ``mentions``, ``share_pct`` (0–100; NULL when no
    compared entity was mentioned). Most mentioned first.
    """
    filters = filters or Filters()
    ctes, params = _compared_counts(filters, kind, show_id)
    # Formatted in: the WITH clauses built by _compared_counts (fixed text, "?" only).
    sql = f"""
        {ctes}
        SELECT k.entity_id, k.name, coalesce(c.mentions, 0) AS mentions,
               100.0 * coalesce(c.mentions, 0) / nullif(sum(c.mentions) OVER (), 0)
                   AS share_pct
        FROM compared k LEFT JOIN counts c USING (entity_id)
        ORDER BY mentions DESC, k.entity_id
    """  # noqa: S608
    return con.execute(sql, params).df()
