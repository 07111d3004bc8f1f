"""The brief a marketer forwards: one self-contained page for a period, as HTML or PDF.

Made in two steps, so a caller that shares the database file with its own writes (the
collector sending the digest) holds it only for the first: :func:`read_brief` reads the
figures on one short read-only connection, :func:`render_brief` draws the charts and writes
the page without the file. `fanpulse report`, the Overview download and the digest all come
through here, so they are the same brief.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from analytics.core.config import AppConfig
from analytics.core.events import load_events
from analytics.core.filters import Filters
from analytics.queries.share_of_voice import Unit
from analytics.queries.term_words import watched_terms
from analytics.store import connect
from dashboard.brief_charts import Image, brief_images
from dashboard.brief_data import BriefData, EmptyPeriod, gather_brief
from dashboard.brief_html import brief_title, render_html
from dashboard.brief_style import NARROW_CSS

__all__ = ["Brief", "BriefData", "EmptyPeriod", "PdfUnavailable", "make_brief", "read_brief"]


class PdfUnavailable(RuntimeError):
    """The PDF renderer (WeasyPrint, the ``pdf`` extra) is not installed or cannot start."""


@dataclass(frozen=True, slots=True)
class Brief:
    data: BriefData
    images: Mapping[str, Image]
    html: str

    @property
    def title(self) -> str:
        return brief_title(self.data)

    def file_name(self, suffix: str = ".html") -> str:
        period = self.data.period
        return f"fanpulse-brief-{period.first:%Y-%m-%d}-to-{period.last:%Y-%m-%d}{suffix}"

    def pdf(self) -> bytes:
        return html_to_pdf(self.html)


def read_brief(
    config: AppConfig,
    filters: Filters,
    *,
    unit: Unit = "stories",
    lock_timeout: float | None = None,
    now: datetime | None = None,
    database: Path | None = None,
) -> BriefData:
    """The figures of the brief, read on one read-only connection that is closed on return
    (from ``database``, default the configured file)."""
    events = load_events(config.events_path) if config.events_path else []
    timeout = config.database.lock_timeout.total_seconds() if lock_timeout is None else lock_timeout
    path = database or config.database_path
    with connect(path, read_only=True, lock_timeout=timeout) as con:
        return gather_brief(
            con,
            filters,
            alerts=config.alerts,
            unit=unit,
            watched=watched_terms(config.watchlist),
            events=events,
            now=now,
        )


def render_brief(data: BriefData) -> Brief:
    """Charts and page of ``data``; no database needed."""
    images = brief_images(data)
    return Brief(data, images, render_html(data, images))


def make_brief(
    config: AppConfig,
    filters: Filters,
    *,
    unit: Unit = "stories",
    lock_timeout: float | None = None,
    now: datetime | None = None,
    database: Path | None = None,
) -> Brief:
    data = read_brief(
        config, filters, unit=unit, lock_timeout=lock_timeout, now=now, database=database
    )
    return render_brief(data)


def html_to_pdf(html: str) -> bytes:
    """The page laid out on A4 by WeasyPrint, which is told to fetch nothing: the page
    holds everything it shows."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise PdfUnavailable(
            "PDF output needs WeasyPrint: pip install 'fanpulse[pdf]' (it uses the system's "
            f"Pango library, e.g. apt-get install libpango-1.0-0) ({exc})"
        ) from None
    # Only data: URIs (the charts) are read; any other address is refused unfetched.
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    printed = html.replace(NARROW_CSS, "")
    return bytes(weasyprint.HTML(string=printed, url_fetcher=fetcher).write_pdf())


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file beside it, so a reader never
    sees half a brief and a failure leaves no stray file."""
    temporary = path.with_name(f".{path.name}.part")
    try:
        temporary.write_bytes(content)
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
