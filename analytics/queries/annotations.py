"""Reading annotations: the notes readers added to days, for the charts and lists.

A file written before the ``annotations`` table existed has no notes (a reader cannot
upgrade it), so it reads as none rather than failing.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics.store import Connection

COLUMNS = ["annotation_id", "day", "note", "added_at"]


def annotations(
    con: Connection, first: date | None = None, last: date | None = None
) -> pd.DataFrame:
    """The notes on the days ``first`` to ``last`` (both included; None: unbounded), by day
    then by when they were added. Columns: :data:`COLUMNS`."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables"
        " WHERE table_name = 'annotations' AND table_schema = 'main'"
    ).fetchone()
    if not exists or not exists[0]:
        return pd.DataFrame(columns=COLUMNS)
    frame = con.execute(
        """
        SELECT annotation_id, day, note, added_at FROM annotations
        WHERE ($first IS NULL OR day >= $first) AND ($last IS NULL OR day <= $last)
        ORDER BY day, added_at, annotation_id
        """,
        {"first": first, "last": last},
    ).df()
    # Days as dates (pandas would make them midnight timestamps).
    return frame.assign(day=[d.date() for d in pd.to_datetime(frame["day"])])
