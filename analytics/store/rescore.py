"""Bring stored posts up to the current sentiment scorer after a lexicon or VADER change.

Posts whose ``sentiment_version`` differs from the scorer's version are read in ``post_id``
order, rescored by the scorer the caller passes (the store does not know how to score), and
written back in batches: one transaction per batch (the scores as list parameters), so an
interrupted rescore keeps what it finished and a rerun picks up the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from analytics.core.models import Sentiment
from analytics.store.connection import DEFAULT_LOCK_TIMEOUT, connect, transaction
from analytics.store.rows import Columns

# Scores (title, body) pairs, in order, as ingest would.
Scorer = Callable[[list[tuple[str | None, str]]], Sequence[Sentiment]]

_SCORE_ROWS = Columns(
    {
        "post_id": "VARCHAR",
        "vader_compound": "DOUBLE",
        "sentiment": "DOUBLE",
        "sentiment_label": "VARCHAR",
        "sentiment_version": "VARCHAR",
    }
)


def rescore(
    path: Path,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
    *,
    score: Scorer,
    version: str,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> int:
    """Rescore every post not scored by ``version`` of ``score``; returns how many were.

    ``progress(done, total)`` is called after each committed batch. The file is opened per
    read and per write and scoring happens in between, so a running collector only ever
    waits for one batch's read or update, never for the whole rescore.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    with connect(path, lock_timeout=lock_timeout) as con:
        rows = con.execute(
            "SELECT count(*) FROM posts WHERE sentiment_version IS DISTINCT FROM ?",
            [version],
        ).fetchall()
    total = int(rows[0][0])
    done = 0
    after = ""  # keyset paging: a batch never re-reads what an earlier one wrote
    while done < total:
        with connect(path, lock_timeout=lock_timeout) as con:
            batch = con.execute(
                "SELECT post_id, title, text FROM posts "
                "WHERE sentiment_version IS DISTINCT FROM ? AND post_id > ? "
                "ORDER BY post_id LIMIT ?",
                [version, after, batch_size],
            ).fetchall()
        if not batch:
            break  # fewer stale posts than counted: some were deleted meanwhile
        scores = _scores(batch, score, version)
        with connect(path, lock_timeout=lock_timeout) as con, transaction(con):
            con.execute(
                f"""
                UPDATE posts SET vader_compound = i.vader_compound,
                                 sentiment = i.sentiment,
                                 sentiment_label = i.sentiment_label,
                                 sentiment_version = i.sentiment_version
                FROM ({_SCORE_ROWS.select}) i
                WHERE posts.post_id = i.post_id
                """,  # noqa: S608 - only fixed column names and types go in
                scores,
            )
        done += len(batch)
        after = batch[-1][0]
        if progress is not None:
            progress(done, total)
    return done


def _scores(
    batch: list[tuple[str, str | None, str]], score: Scorer, version: str
) -> dict[str, Sequence[Any]]:
    results = score([(title, text) for _, title, text in batch])
    if len(results) != len(batch) or any(r.version != version for r in results):
        # Stored under another version, these posts would be rescored on every run.
        raise ValueError(f"the scorer did not return one {version} score per post")
    return _SCORE_ROWS.params(
        {
            "post_id": [post_id for post_id, _, _ in batch],
            "vader_compound": [r.vader_compound for r in results],
            "sentiment": [r.sentiment for r in results],
            "sentiment_label": [r.label for r in results],
            "sentiment_version": [r.version for r in results],
        }
    )
