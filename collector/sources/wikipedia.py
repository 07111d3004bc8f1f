"""Wikipedia attention: daily page views of the shows' and cast's articles (Wikimedia REST).

Views are not posts: they land in the ``attention`` table (metric ``wikipedia_pageviews``).
One channel per article. The first run backfills ``backfill_days``; the cursor is the last
complete day stored, so later runs ask only for the days since. Today is never asked for:
its count is still growing.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from pydantic import Field, field_validator

from analytics.core.models import Attention, SourceState
from collector.http import Fetcher
from collector.sources.base import (
    Collected,
    Source,
    SourceError,
    SourceSettings,
    explain_status,
    off_loop,
)
from collector.sources.values import count, mapping, string

KIND = "wikipedia"
METRIC = "wikipedia_pageviews"
_ENTITY_ID = re.compile(r"^(show|person|character|ship):[a-z0-9-]+$")


class WikipediaSettings(SourceSettings):
    base_url: str = "https://wikimedia.org/api/rest_v1"
    project: str = "en.wikipedia"
    agent: str = "user"  # people, not crawlers
    backfill_days: int = Field(default=90, ge=1, le=3650)
    articles: dict[str, str] = Field(min_length=1)  # entity id → article title

    @field_validator("articles")
    @classmethod
    def _entity_ids(cls, articles: dict[str, str]) -> dict[str, str]:
        for entity_id, title in articles.items():
            if not _ENTITY_ID.match(entity_id):
                raise ValueError(f"{entity_id!r} is not an entity id such as 'show:heartstopper'")
            if not title.strip():
                raise ValueError(f"the article for {entity_id} is empty")
        return articles


class WikipediaSource(Source):
    kind = KIND
    settings_model = WikipediaSettings
    settings: WikipediaSettings

    def channels(self) -> list[str]:
        return list(self.settings.articles)

    def entity_references(self) -> list[str]:
        return list(self.settings.articles)

    async def collect(self, fetcher: Fetcher, channel: str, state: SourceState) -> Collected:
        title = self.settings.articles[channel].strip().replace(" ", "_")
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        start = (
            _day(state.cursor) + timedelta(days=1)
            if state.cursor
            else yesterday - timedelta(days=self.settings.backfill_days - 1)
        )
        if start > yesterday:
            return Collected([], state, not_modified=True)
        url = (
            f"{self.settings.base_url}/metrics/pageviews/per-article/{self.settings.project}/"
            f"all-access/{self.settings.agent}/{quote(title, safe='')}/daily/"
            f"{start:%Y%m%d}/{yesterday:%Y%m%d}"
        )
        # The API answers 404 both for a wrong title and for a span with no views.
        with explain_status(
            (404,),
            lambda _: (
                f"no page views for {self.settings.project} article {title!r} from "
                f"{start} (check the title in the source's `articles`)"
            ),
        ):
            response = await fetcher.get(url, headers={"Accept": "application/json"})
        rows = await off_loop(
            parse_pageviews, response.json(), entity_id=channel, source_name=self.name
        )
        newest = max((row.day for row in rows), default=None)
        cursor = f"{newest:%Y-%m-%d}" if newest else state.cursor
        return Collected([], replace(state, cursor=cursor), response.status, attention=rows)


def _day(cursor: str) -> date:
    return date.fromisoformat(cursor)


def parse_pageviews(payload: Any, *, entity_id: str, source_name: str) -> list[Attention]:
    """Daily rows of a per-article pageviews answer (pure)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        raise SourceError("unexpected pageviews answer: no 'items' list")
    rows = []
    for item in payload["items"]:
        stamp, views = string(mapping(item).get("timestamp")), count(mapping(item).get("views"))
        if stamp is None or views is None:
            continue
        try:
            day = datetime.strptime(stamp[:8], "%Y%m%d").date()
        except ValueError:
            continue
        rows.append(Attention(entity_id, METRIC, day, float(views), source_name))
    return rows
