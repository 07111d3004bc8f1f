"""The filters every trend query accepts: a period, entities and sources.

One place turns them into a SQL condition on ``posts p`` with named parameters, so the
dashboard's global filters and the CLI mean exactly the same thing in every query.
A query's ``.sql`` file says ``{{filters}}``; :mod:`analytics.core.sql` fills in the
:data:`CONDITIONS` of the :meth:`Filters.active` fields, and :meth:`Filters.params` binds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# The condition of each filter field, in this order; only a field that is set adds its own,
# so a query without filters keeps the plan of a query without a WHERE.
CONDITIONS: dict[str, str] = {
    "start": "p.created_at >= $start",
    "end": "p.created_at < $end",
    # A show counts the posts about its cast, characters and ships too (view show_links).
    "entity_ids": (
        "p.post_id IN (SELECT post_id FROM mentions WHERE list_contains($entity_ids, entity_id)"
        " UNION ALL SELECT post_id FROM show_links WHERE list_contains($entity_ids, entity_id))"
    ),
    "source_names": "list_contains($source_names, p.source_name)",
    "sources": "list_contains($sources, p.source)",
    "langs": "list_contains($langs, p.lang)",
}


@dataclass(frozen=True, slots=True)
class Filters:
    """Which posts a query looks at. Empty tuples mean "all"."""

    start: datetime | None = None  # inclusive, on posts.created_at
    end: datetime | None = None  # exclusive
    entity_ids: tuple[str, ...] = ()  # a post counts if it is about any of them (shows: with cast)
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

    def active(self) -> tuple[str, ...]:
        """The fields that narrow the posts: the keys of their :data:`CONDITIONS`."""
        return tuple(key for key in CONDITIONS if _is_set(getattr(self, key)))

    def params(self, prefix: str = "") -> dict[str, object]:
        """Every field as a named parameter (lists for the tuples), names ``prefix``-ed."""
        return {
            prefix + key: list(value) if isinstance(value, tuple) else value
            for key in CONDITIONS
            for value in (getattr(self, key),)
        }


def _is_set(value: object) -> bool:
    return value is not None and value != ()
