"""Refreshing counts in batches: the loop every platform's lookup shares.

Each source that can look posts up by id (``Source.refresh_counts``) hands over a function
that asks for one batch; this loop splits the targets, stops at the call budget, and keeps
what earlier batches returned when a later one fails (a 429 past its ``Retry-After``, a
refused key, an exhausted quota): those posts are asked for again on the next refresh.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from analytics.core.models import Counts, RefreshResult, RefreshTarget
from collector.http import FetchError
from collector.sources.base import SourceError

# One batch asked for: the counts returned, and whether to go on (False: a rate limit is
# nearly used up, so the rest waits for the next refresh).
AskBatch = Callable[[list[RefreshTarget]], Awaitable[tuple[list[Counts], bool]]]


async def ask_in_batches(
    targets: Sequence[RefreshTarget],
    size: int,
    max_calls: int,
    ask: AskBatch,
    unaskable: Sequence[RefreshTarget] = (),
) -> RefreshResult:
    """Ask for ``targets`` ``size`` at a time, at most ``max_calls`` times.

    A post asked for and not returned is gone (deleted or hidden); ``unaskable`` posts
    (no id the platform's lookup takes) are marked gone without a request.
    """
    result = RefreshResult(asked=[], counts=[], gone=[t.post_id for t in unaskable])
    result.asked.extend(result.gone)
    for start in range(0, min(len(targets), size * max_calls), size):
        chunk = list(targets[start : start + size])
        try:
            found, go_on = await ask(chunk)
        except (FetchError, SourceError) as exc:
            retry_after = exc.retry_after if isinstance(exc, FetchError) else None
            return _stopped(result, str(exc), retry_after)
        result = _add(result, chunk, found)
        if not go_on:
            break
    return result


def _add(result: RefreshResult, chunk: list[RefreshTarget], found: list[Counts]) -> RefreshResult:
    asked = {t.post_id for t in chunk}
    found = [c for c in found if c.post_id in asked]  # never a post nobody asked about
    returned = {c.post_id for c in found}
    return RefreshResult(
        asked=result.asked + [t.post_id for t in chunk],
        counts=result.counts + found,
        gone=result.gone + [t.post_id for t in chunk if t.post_id not in returned],
        calls=result.calls + 1,
    )


def _stopped(result: RefreshResult, error: str, retry_after: float | None) -> RefreshResult:
    return RefreshResult(
        result.asked, result.counts, result.gone, result.calls + 1, error, retry_after
    )


def combine(first: RefreshResult, second: RefreshResult) -> RefreshResult:
    """Two lookups of one source (YouTube videos and comments) as one result."""
    return RefreshResult(
        asked=first.asked + second.asked,
        counts=first.counts + second.counts,
        gone=first.gone + second.gone,
        calls=first.calls + second.calls,
        error=first.error or second.error,
        retry_after=max(filter(None, [first.retry_after, second.retry_after]), default=None),
    )
