"""One pass over every channel: what `fanpulse collect --once` and the tests run."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from analytics.core.config import AppConfig
from analytics.core.models import RunRecord
from collector.http import Fetcher
from collector.runner import REJECTED, SPOOLED, ChannelJob, Collector
from collector.settings import collector_settings
from collector.sources import build_sources


@dataclass(frozen=True, slots=True)
class OnceResult:
    """What one pass over every channel did."""

    records: list[RunRecord]
    spooled: int  # batches of this pass waiting in the spool for the next run
    in_memory: int  # batches neither stored nor spooled: lost when the process ends
    rejected: int  # batches the database refused for their content, kept in rejected/
    storage_error: str | None  # why storing failed, when it did


async def collect_once(
    config: AppConfig,
    *,
    on_start: Callable[[list[ChannelJob]], None] | None = None,
    on_done: Callable[[RunRecord], None] | None = None,
    fetcher: Fetcher | None = None,
) -> list[RunRecord]:
    """Run every enabled source's channels once, concurrently; return their run records."""
    result = await collect_once_result(config, on_start=on_start, on_done=on_done, fetcher=fetcher)
    return result.records


async def collect_once_result(
    config: AppConfig,
    *,
    on_start: Callable[[list[ChannelJob]], None] | None = None,
    on_done: Callable[[RunRecord], None] | None = None,
    fetcher: Fetcher | None = None,
) -> OnceResult:
    """:func:`collect_once`, also saying where the batches went when storing failed."""
    sources = build_sources(config)
    async with fetcher or Fetcher(collector_settings(config)) as shared:
        collector = Collector(config, shared, sources)
        await asyncio.to_thread(collector.prepare)
        jobs = collector.jobs()
        if on_start:
            on_start(jobs)

        async def run_and_report(job: ChannelJob) -> RunRecord:
            record = await collector.run(job)
            if on_done:
                on_done(record)
            return record

        records = list(await asyncio.gather(*(run_and_report(job) for job in jobs)))
        if collector.backlog:
            await collector.catch_up()  # one last chance before memory is gone
    return OnceResult(
        records=records,
        spooled=collector.outcomes[SPOOLED],
        in_memory=len(collector.backlog),
        rejected=collector.outcomes[REJECTED],
        storage_error=collector.health.report.reason,
    )
