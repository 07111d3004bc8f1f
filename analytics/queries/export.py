"""Export posts (with the entities they mention) or any table or view to CSV or Parquet.

Rows stream from DuckDB as Arrow batches into the file, so an export of millions of posts
needs little memory. The file is written under a temporary name and renamed when complete.
CSV goes through :mod:`analytics.queries.spreadsheet`, so no cell runs as a formula; Parquet is raw.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from analytics.core.filters import Filters
from analytics.queries.spreadsheet import write_csv

FORMATS = ("csv", "parquet")
BATCH_ROWS = 100_000

_POSTS_SQL = """
SELECT p.post_id, p.created_at, p.source, p.source_name, p.channel, p.post_kind, p.url,
       p.author, p.title, p.text, p.lang, p.likes, p.shares, p.replies, p.score, p.views,
       p.vader_compound, p.sentiment, p.sentiment_label, p.sentiment_version,
       {entities} AS entities
FROM posts p
LEFT JOIN (
    SELECT post_id, list(entity_id ORDER BY entity_id) AS entity_ids FROM mentions GROUP BY 1
) m USING (post_id)
WHERE {where}
ORDER BY p.created_at, p.post_id
"""


class ExportError(Exception):
    """A request that cannot be exported (unknown view, unknown format)."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    rows: int
    bytes: int


def format_for(path: Path, explicit: str | None = None) -> str:
    fmt = (explicit or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ExportError(f"cannot tell the format of {path.name}: use .csv or .parquet")
    return fmt


def relations(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Exportable tables and views with their columns."""
    rows = con.execute(
        """
        SELECT table_name, list(column_name ORDER BY ordinal_position)
        FROM information_schema.columns
        WHERE table_schema = 'main' AND table_catalog = current_database()
        GROUP BY table_name
        """
    ).fetchall()
    return {name: columns for name, columns in rows}


def _query(
    con: duckdb.DuckDBPyConnection, what: str, filters: Filters, fmt: str
) -> tuple[str, list[object]]:
    if what == "posts":
        where, params = filters.where("p")
        # CSV has no lists: entities become "show:heartstopper;person:kit-connor".
        entities = "array_to_string(m.entity_ids, ';')" if fmt == "csv" else "m.entity_ids"
        return _POSTS_SQL.format(entities=entities, where=where), params
    known = relations(con)
    if what not in known:
        names = ", ".join(sorted({"posts", *known}))
        raise ExportError(f"no table or view named {what!r}; choose one of: {names}")
    columns = known[what]
    clauses: list[str] = []
    params: list[object] = []
    time_column = next((c for c in ("created_at", "day", "bucket") if c in columns), None)
    if time_column and filters.start is not None:
        clauses.append(f'"{time_column}" >= ?')
        params.append(filters.start if time_column != "day" else filters.start.date())
    if time_column and filters.end is not None:
        clauses.append(f'"{time_column}" < ?')
        params.append(filters.end if time_column != "day" else filters.end.date())
    if filters.entity_ids:
        if "entity_id" not in columns:
            raise ExportError(f"{what} has no entity_id column to filter on")
        clauses.append("list_contains(?, entity_id)")
        params.append(list(filters.entity_ids))
    where = " AND ".join(clauses) or "TRUE"
    # The name was checked against the database's own list of tables and views above.
    return f'SELECT * FROM "{what}" WHERE {where}', params  # noqa: S608


def export(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    *,
    what: str = "posts",
    filters: Filters | None = None,
    fmt: str | None = None,
) -> ExportResult:
    fmt = format_for(out, fmt)
    sql, params = _query(con, what, filters or Filters(), fmt)
    # A relation streams Arrow batches without the extra copy a DB-API result makes.
    reader = con.sql(sql, params=params).to_arrow_reader(BATCH_ROWS)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    rows = 0
    try:
        if fmt == "parquet":  # raw: Parquet is read by tools, not run by spreadsheets
            with pq.ParquetWriter(temporary, reader.schema, compression="zstd") as writer:
                for batch in reader:
                    writer.write_batch(batch)
                    rows += batch.num_rows
        else:
            rows = write_csv(reader, str(temporary))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    temporary.replace(out)
    return ExportResult(path=out, rows=rows, bytes=out.stat().st_size)
