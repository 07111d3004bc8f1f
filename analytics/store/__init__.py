"""The DuckDB file: the one place that opens it, writes it and defines its schema.

:mod:`.connection` opens it (short-lived connections, lock waits, transactions, user SQL),
:mod:`.write` stores collected batches, :mod:`.state` reads source state back; the names
the rest of the project uses are re-exported here.
"""

from analytics.store.connection import (
    DEFAULT_LOCK_TIMEOUT,
    REJECTED_VALUE_ERRORS,
    STORAGE_COMPATIBILITY,
    Connection,
    DatabaseBusy,
    DatabaseMissing,
    QueryError,
    StorageIOError,
    connect,
    is_rejected_value,
    retry_on_lock,
    run_query,
    run_query_arrow,
    transaction,
)
from analytics.store.state import load_states
from analytics.store.write import (
    mention_columns,
    post_columns,
    prepare_database,
    store_batches,
    upsert_states,
)
from analytics.store.writer import Writer, save_batches

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "STORAGE_COMPATIBILITY",
    "Connection",
    "DatabaseBusy",
    "DatabaseMissing",
    "QueryError",
    "REJECTED_VALUE_ERRORS",
    "StorageIOError",
    "connect",
    "is_rejected_value",
    "load_states",
    "mention_columns",
    "post_columns",
    "prepare_database",
    "retry_on_lock",
    "run_query",
    "run_query_arrow",
    "save_batches",
    "store_batches",
    "upsert_states",
    "transaction",
    "Writer",
]
