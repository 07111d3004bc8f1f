"""CSV that is safe to open in a spreadsheet: the one rule every CSV path goes through.

Post text is written by strangers. A spreadsheet runs a cell that starts with ``=``, ``+``,
``-``, ``@``, TAB or CR as a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``), so every
text cell starting with one of them gets a leading ``'`` (the OWASP rule for CSV
injection); the spreadsheet then shows the text as typed. Numbers, dates and booleans are
written as they are: ``-0.5`` from a numeric column stays ``-0.5``. Lists, structs, maps and
intervals, which CSV cannot hold, become JSON text first and follow the same rule. Parquet is not a
spreadsheet format and is written elsewhere, raw.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from typing import Any, BinaryIO, TextIO, TypeVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_STARTS) + "]"

Data = TypeVar("Data", pa.Table, pa.RecordBatch)


def csv_safe(data: Data) -> Data:
    """``data`` with text cells defused and nested values as JSON text; the rest unchanged."""
    columns = [_safe_column(data.column(i)) for i in range(data.num_columns)]
    names = _defuse(pa.array(data.schema.names, pa.string())).to_pylist()
    return type(data).from_arrays(columns, names=names)


def write_csv(data: pa.Table | pa.RecordBatchReader, sink: str | BinaryIO) -> int:
    """Write ``data`` as safe CSV (header first) to a path or binary file; return the rows.

    A reader is written batch by batch, so a large export needs little memory.
    """
    reader = data.to_reader() if isinstance(data, pa.Table) else data
    header = csv_safe(reader.schema.empty_table())
    rows = 0
    with pa_csv.CSVWriter(sink, header.schema) as writer:
        for batch in reader:
            writer.write_batch(csv_safe(batch))
            rows += batch.num_rows
    return rows


def write_csv_text(table: pa.Table, sink: TextIO) -> int:
    """Write ``table`` as safe CSV in Python's csv format (``str`` of each value); the rows.

    ``query --csv`` has always printed this way (``3702.0``, ``True``, ISO times with
    ``+00:00``); scripts that read it keep working.
    """
    safe = csv_safe(table)
    writer = csv.writer(sink)
    writer.writerow(safe.column_names)
    writer.writerows(zip(*(column.to_pylist() for column in safe.columns), strict=True))
    return safe.num_rows


def _safe_column(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if _is_text(kind):
        return _defuse(column)
    if _has_text_form(kind):
        return column
    # Lists, structs, maps, intervals: CSV has no cell for them.
    return _defuse(pa.array([_json(v) for v in column.to_pylist()], pa.string()))


def _defuse(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    if text.type == pa.string_view():  # the string kernels below take string/large_string
        text = text.cast(pa.large_string())
    quote, nothing = pa.scalar("'", text.type), pa.scalar("", text.type)
    dangerous = pc.match_substring_regex(text, _FORMULA_START)
    return pc.if_else(dangerous, pc.binary_join_element_wise(quote, text, nothing), text)


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or kind == pa.string_view()


@cache
def _has_text_form(kind: pa.DataType) -> bool:
    """Whether the CSV writer can write this type itself (it casts every cell to text)."""
    try:
        pa.array([], kind).cast(pa.string())
    except pa.ArrowNotImplementedError:
        return False
    return True


def _json(value: Any) -> str | None:
    # Dates, decimals and ids inside a list are written as their text.
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)
