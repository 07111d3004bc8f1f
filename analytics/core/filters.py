"""The filters every trend query accepts: a period, entities and sources.

One place turns them into a parameterised SQL condition on ``posts``, so the dashboard's
global filters and the CLI mean exactly the same thing in every query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Filters:
    """Which posts a query looks at. Empty tuples mean "all"."""

    start: datetime | None = None  # inclusive, on posts.created_at
    end: datetime | None = None  # exclusive
    entity_ids: tuple[str, ...] = ()  # a post counts if it mentions any of them
    source_names: tuple[str, ...] = ()  # configured source names (posts.source_name)
    sources: tuple[str, ...] = ()  # source kinds (posts.source): rss, reddit, …
    langs: tuple[str, ...] = field(default=())

    def previous(self) -> Filters:
        """The period of the same length just before this one (for "vs previous")."""
        if self.start is None or self.end is None:
            raise ValueError("a previous period needs both start and end")
        length = self.end - self.start
        return Filters(
            start=self.start - length,
            end=self.start,
            entity_ids=self.entity_ids,
            source_names=self.source_names,
            sources=self.sources,
            langs=self.langs,
        )

    def where(self, alias: str = "p") -> tuple[str, list[object]]:
        """A SQL condition on the posts table aliased ``alias``, and its parameters."""
        clauses: list[str] = []
        params: list[object] = []
        if self.start is not None:
            clauses.append(f"{alias}.created_at >= ?")
            params.append(self.start)
        if self.end is not None:
            clauses.append(f"{alias}.created_at < ?")
            params.append(self.end)
        if self.entity_ids:
            # Only "?" placeholders are formatted in; every value goes in as a parameter.
            clauses.append(
                f"{alias}.post_id IN (SELECT post_id FROM mentions WHERE entity_id IN "  # noqa: S608
                f"{_placeholders(self.entity_ids)})"
            )
            params.extend(self.entity_ids)
        for column, values in (
            ("source_name", self.source_names),
            ("source", self.sources),
            ("lang", self.langs),
        ):
            if values:
                clauses.append(f"{alias}.{column} IN {_placeholders(values)}")
                params.extend(values)
        return (" AND ".join(clauses) or "TRUE"), params


def _placeholders(values: Sequence[object]) -> str:
    return "(" + ", ".join("?" for _ in values) + ")"
