"""The show hierarchy: which shows each person, character and ship is listed under.

Kept in ``entity_shows`` so show-level figures (the ``show_posts`` view) include a show's
members. Synced from the watchlist with ``entities``: an entity in the watchlist gets
exactly the shows it is listed under now; one no longer listed keeps its last shows, as it
keeps its name, so old posts still count where they did.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from analytics.core.models import Entity


def sync_entity_shows(con: duckdb.DuckDBPyConnection, entities: Sequence[Entity]) -> None:
    """Bring ``entity_shows`` in line with ``entities`` (inside the caller's transaction)."""
    pairs = [(e.entity_id, show) for e in entities for show in e.member_of()]
    con.execute(
        "DELETE FROM entity_shows WHERE entity_id IN (SELECT unnest($listed::VARCHAR[]))",
        {"listed": [e.entity_id for e in entities]},
    )
    con.execute(
        "INSERT INTO entity_shows SELECT DISTINCT "
        "unnest($entity_ids::VARCHAR[]) AS entity_id, unnest($show_ids::VARCHAR[]) AS show_id",
        {"entity_ids": [p[0] for p in pairs], "show_ids": [p[1] for p in pairs]},
    )
