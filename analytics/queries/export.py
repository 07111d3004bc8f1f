"""Export posts (with the entities they mention) or any table or view to CSV or Parquet.

Rows stream from DuckDB as Arrow batches into the file, so an export of millions of posts
needs little memory. The file is written under a temporary name and renamed when complete.
CSV goes through :mod:`analytics.queries.spreadsheet`, so no cell runs as a formula; Parquet is raw.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from analytics.core.filters import Filters
from analytics.queries.spreadsheet import write_csv
from analytics.queries.sql import load
from analytics.store import Connection

FORMATS = ("csv", "parquet")
BATCH_ROWS = 100_000


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


def relations(con: Connection) -> dict[str, list[str]]:
    """Exportable tables and views with their columns."""
    rows = con.execute(load("export_relations").text).fetchall()
    return {name: columns for name, columns in rows}


def _query(con: Connection, what: str, filters: Filters, fmt: str) -> tuple[str, dict[str, object]]:
    if what == "posts":
        sql = load("export_posts", filters=filters.active(), export_entities=fmt)
        return sql.text, sql.bind(filters.params())
    known = relations(con)
    if what not in known:
        names = ", ".join(sorted({"posts", *known}))
        raise ExportError(f"no table or view named {what!r}; choose one of: {names}")
    columns = known[what]
    time_column = next((c for c in ("created_at", "day", "bucket") if c in columns), "none")
    if filters.entity_ids and "entity_id" not in columns:
        raise ExportError(f"{what} has no entity_id column to filter on")
    sql = load(
        "export_relation",
        export_period=time_column,
        export_entity="chosen" if filters.entity_ids else "all",
    )
    start, end = filters.start, filters.end
    if time_column == "day":  # a DATE column compares with dates
        start, end = start and start.date(), end and end.date()
    return sql.text, sql.bind(filters.params(), relation=what, start=start, end=end)


def export(
    con: Connection,
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
