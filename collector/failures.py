"""Why a write failed: the batch's own fault (set it aside) or the storage's (keep it).

A write refused because of the batch itself (a value the schema rejects) sets that batch
aside and the others go on. Any other error is the storage's (a held file, a full or
read-only disk, an I/O error, a damaged file): the batch is kept for later, never dropped.
"""

from __future__ import annotations

import errno
import os

from analytics.store import DatabaseBusy, is_rejected_value

MAX_ERROR_CHARS = 500


class StorageFailed(Exception):
    """Storing stopped on a storage failure; the batches before ``len(outcomes)`` were
    handled (stored or set aside) and the rest were not."""

    def __init__(self, cause: BaseException, outcomes: list[str]) -> None:
        super().__init__(describe_failure(cause))
        self.cause = cause
        self.outcomes = outcomes


def is_storage_failure(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return True
    return not (isinstance(exc, ValueError | TypeError) or is_rejected_value(exc))


def describe_failure(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno is not None:
        detail = exc.strerror or os.strerror(exc.errno)
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{errno.errorcode.get(exc.errno, exc.errno)}: {detail}{where}"
    if isinstance(exc, DatabaseBusy):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
