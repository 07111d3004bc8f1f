"""Rows handed to DuckDB as list parameters: one list per column, unnested side by side.

``SELECT unnest($a::VARCHAR[]) AS a, unnest($b::DOUBLE[]) AS b`` turns equal-length Python
lists into rows inside DuckDB. An Arrow table did the same job, but importing pyarrow and
numpy, and pandas which DuckDB loads to scan a registered table, made up about half of a
collector's memory (~110 MB). The values stay parameters; only column names and types,
fixed in the code, are written into the SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class Columns:
    """A fixed set of named, typed columns, and the ``SELECT`` that makes rows of them.

    Each column is one named parameter (``$name``), so the names must not clash with other
    parameters of the statement the ``SELECT`` goes into.
    """

    def __init__(self, types: Mapping[str, str]) -> None:
        self.types = dict(types)
        self.names: tuple[str, ...] = tuple(self.types)
        self.select = "SELECT " + ", ".join(
            f"unnest(${name}::{sql_type}[]) AS {name}" for name, sql_type in self.types.items()
        )

    def params(self, values: Mapping[str, Sequence[Any]]) -> dict[str, Sequence[Any]]:
        """``values`` as the statement's parameters: every column, all of one length (unnest
        would pad a shorter list with NULLs rather than fail)."""
        if values.keys() != self.types.keys():
            raise ValueError(f"expected the columns {list(self.names)}, got {list(values)}")
        lengths = {len(column) for column in values.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        return dict(values)

    def of(self, records: Sequence[object]) -> dict[str, Sequence[Any]]:
        """The same-named attribute of each record, column by column."""
        return {name: [getattr(r, name) for r in records] for name in self.names}
