"""``report``: the brief of a period as one self-contained HTML page (or PDF)."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from fanpulse.cli.common import console, errors, load, user_errors

_PERIOD = re.compile(r"^(\d{1,4})([dw])$")


def parse_period(value: str) -> int:
    """ "7d" or "2w" as a number of whole days."""
    match = _PERIOD.match(value.strip().lower())
    if not match or int(match.group(1)) < 1:
        raise typer.BadParameter(f"{value!r} is not a period like 7d or 4w", param_hint="--period")
    days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
    if days > 3650:
        raise typer.BadParameter("at most 3650 days", param_hint="--period")
    return days


def _last_day(until: str | None) -> date:
    if until is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(until)
    except ValueError:
        raise typer.BadParameter(
            f"{until!r} is not a date like 2026-11-30", param_hint="--until"
        ) from None


def check_writable(out: Path) -> None:
    """Refuse, before any work, a target that cannot be written (exit 2)."""
    parent = out.parent if str(out.parent) else Path(".")
    problem = None
    if out.is_dir():
        problem = "it is a directory"
    elif not parent.is_dir():
        problem = f"directory {parent} does not exist"
    elif not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        problem = "permission denied"
    if problem:
        errors.print(
            f"[bold red]error:[/] cannot write {out}: {problem}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(2)


def report(
    period: Annotated[
        str, typer.Option(help="Length: 7d, 30d, 4w … (whole UTC days, the last one included).")
    ] = "7d",
    until: Annotated[
        str | None,
        typer.Option(help="Last UTC day of the period, e.g. 2026-11-30 (default: today)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="File to write (default: fanpulse-brief-<first>-to-<last>.html here); a "
            ".pdf name writes PDF."
        ),
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Write PDF (needs the pdf extra: WeasyPrint).")
    ] = False,
    entity: Annotated[
        list[str] | None, typer.Option(help="Only posts about this entity id (repeatable).")
    ] = None,
    copies: Annotated[
        bool,
        typer.Option("--copies", help="Count every copy of a story instead of each story once."),
    ] = False,
) -> None:
    """Write the brief of a period: headline figures against the period before, volume and
    sentiment charts, top spikes with their posts, share of voice and rising terms, in one
    file that loads nothing from anywhere."""
    from analytics.core.filters import Filters
    from dashboard.brief import PdfUnavailable, read_brief, render_brief, write_atomically

    days = parse_period(period)
    last = _last_day(until)
    start = datetime.combine(last - timedelta(days=days - 1), time(), tzinfo=UTC)
    filters = Filters(start=start, end=start + timedelta(days=days), entity_ids=tuple(entity or ()))
    as_pdf = pdf or (out is not None and out.suffix.lower() == ".pdf")
    if out is not None:
        check_writable(out)
    with user_errors():
        config = load()
        data = read_brief(config, filters, unit="posts" if copies else "stories")
    if data.empty:
        newest = f"{data.last_post_at:%Y-%m-%d}" if data.last_post_at else "none yet"
        errors.print(
            f"[bold red]error:[/] no posts in {data.period.label()}: nothing to report "
            f"(newest post: {newest}; choose the period with --period and --until).",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    brief = render_brief(data)
    target = out or Path(brief.file_name(".pdf" if as_pdf else ".html"))
    check_writable(target)
    try:
        content = brief.pdf() if as_pdf else brief.html.encode("utf-8")
        write_atomically(target, content)
    except PdfUnavailable as exc:
        errors.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        errors.print(
            f"[bold red]error:[/] cannot write {target}: {exc.strerror or exc}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
    now = data.kpis.current
    console.print(
        f"brief written: {target} ({len(content) / 1024:,.0f} KB) — {data.period.label()}: "
        f"{now.posts:,} posts, {now.stories:,} stories, {len(data.spikes)} spikes, "
        f"{len(brief.images)} charts",
        highlight=False,
        soft_wrap=True,
    )
