"""Dated events (premieres, trailers, …) from ``events.toml``: the model and its loader.

Format: docs/events.md. The queries over events are in :mod:`analytics.queries.events`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from analytics.core.errors import ConfigError, config_error, read_toml

EventKind = Literal["premiere", "announcement", "trailer", "finale", "other"]

_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_EVENT_ID = re.compile(rf"^{_SLUG}$")
_ENTITY_ID = re.compile(rf"^(show|person|character|ship|theme):{_SLUG}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_date(value: Any) -> Any:
    """A TOML date (``2022-04-22``) or the string ``"2022-04-22"``; nothing looser.

    Pydantic alone would also take timestamps and numbers, which hide typos.
    """
    if isinstance(value, datetime):
        raise ValueError("must be a date without a time, written YYYY-MM-DD")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value  # pydantic checks it is a real calendar day
    raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD")


def _check_event_id(value: str) -> str:
    if not _EVENT_ID.match(value):
        raise ValueError(f"{value!r} must be a slug: lower-case letters, digits and dashes")
    return value


def _check_entity_ids(values: Any) -> Any:
    if isinstance(values, list | tuple):
        for value in values:
            if not isinstance(value, str) or not _ENTITY_ID.match(value):
                raise ValueError(
                    f"{value!r} is not an entity id like 'show:heartstopper' "
                    "(show, person, character, ship or theme)"
                )
    return values


class Event(BaseModel):
    """One dated event about one or more watched entities."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, BeforeValidator(_check_event_id)]
    name: str = Field(min_length=1)
    date: Annotated[date, BeforeValidator(_parse_date)]
    kind: EventKind
    entities: Annotated[tuple[str, ...], BeforeValidator(_check_entity_ids)] = Field(min_length=1)
    note: str | None = None

    @property
    def starts_at(self) -> datetime:
        """Midnight UTC of the event's day: where "after" and day 0 begin."""
        return datetime.combine(self.date, time(), tzinfo=UTC)


class _EventsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[Event] = []


def load_events(path: Path, *, entity_ids: Collection[str] | None = None) -> list[Event]:
    """Read and validate an events file; raise :class:`ConfigError` (one line) on a mistake.

    With ``entity_ids`` (e.g. the watchlist's), every event must name only those entities.
    """
    raw = read_toml(path)
    try:
        events = _EventsFile.model_validate(raw).events
    except ValidationError as exc:
        first = config_error(path, exc)  # reuses the shared wording of the problem
        raise ConfigError(path, _location(exc.errors()[0]["loc"], raw), first.problem) from None
    seen: dict[str, int] = {}
    for index, event in enumerate(events):
        if event.id in seen:
            raise ConfigError(
                path, f"events[{index}] ({event.id}).id", f"also used by events[{seen[event.id]}]"
            )
        seen[event.id] = index
        for entity_id in event.entities if entity_ids is not None else ():
            if entity_id not in entity_ids:
                raise ConfigError(
                    path, f"events[{index}] ({event.id}).entities", f"no entity {entity_id!r}"
                )
    return events


def _location(loc: tuple[Any, ...], raw: Any) -> str:
    """('events', 2, 'date') → 'events[2] (heartstopper-s3).date': index and id, when known."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(item, int):
            node = node[item] if isinstance(node, list) and item < len(node) else None
            event_id = node.get("id") if isinstance(node, dict) else None
            parts.append(f"[{item}]" + (f" ({event_id})" if isinstance(event_id, str) else ""))
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts)
