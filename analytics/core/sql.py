"""SQL kept in ``.sql`` files, with DuckDB ``$name`` parameters bound from a dict.

A file's text is never built from values. The only text filled in is a ``{{slot}}``:
- ``{{_name}}`` is the partial file ``_name.sql`` of the same folder (shared pieces);
- ``{{engagement}}`` is the engagement score of posts ``p``;
- ``{{show_links}}`` is the shows the posts of the CTE ``scoped_mentions`` count for;
- ``{{filters}}`` and ``{{baseline_filters}}`` are the conditions of the active
  :class:`~analytics.core.filters.Filters` fields (``Filters.active()``), the second with its
  parameters prefixed ``baseline_``;
- any other slot is fixed SQL chosen by key from :data:`FRAGMENTS` or the folder's own
  table (a key outside the table raises ``KeyError``).
Every value goes in as a named parameter: :meth:`Sql.bind` picks those the text uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from analytics.core.engagement import ENGAGEMENT_SQL
from analytics.core.filters import CONDITIONS
from analytics.core.show_links import show_links

_PARAM = re.compile(r"(?<![\w$:])\$([a-z_][a-z0-9_]*)")
_SLOT = re.compile(r"\{\{(\w+)\}\}")
# String literals and comments may hold a "$" that is not a parameter.
_NOT_CODE = re.compile(r"'(?:[^']|'')*'|--[^\n]*")

# Fixed SQL chosen by key: never a value.
FRAGMENTS: dict[str, dict[str, str]] = {
    # A literal, not a parameter: date_trunc($bucket, …) is about a third slower.
    "bucket": {"hour": "'hour'", "day": "'day'", "week": "'week'"},
    # The interval between bucket starts; date_trunc('week') gives ISO weeks (Monday).
    "step": {"hour": "INTERVAL 1 HOUR", "day": "INTERVAL 1 DAY", "week": "INTERVAL 7 DAY"},
}
# show_links: over the CTE scoped_mentions, the mentions of the posts a query selected.
_CONSTANTS = {
    "engagement": ENGAGEMENT_SQL.format(p="p"),
    "show_links": show_links("scoped_mentions"),
}
_FILTER_SLOTS = {"filters": "", "baseline_filters": "baseline_"}


@dataclass(frozen=True, slots=True)
class Sql:
    """A statement's text and the names of its parameters."""

    name: str
    text: str
    names: frozenset[str]

    def bind(self, *given: Mapping[str, object], **values: object) -> dict[str, object]:
        """The parameters the text uses, from ``given`` mappings and ``values`` (later win).

        Extra names are dropped (DuckDB refuses them); a missing one raises ``TypeError``.
        """
        merged: dict[str, object] = {}
        for mapping in given:
            merged.update(mapping)
        merged.update(values)
        missing = self.names - merged.keys()
        if missing:
            raise TypeError(f"{self.name}.sql: missing parameters {sorted(missing)}")
        return {name: merged[name] for name in self.names}


_FOLDER_FRAGMENTS: dict[str, dict[str, dict[str, str]]] = {}


class SqlFiles:
    """The ``.sql`` files of one package folder (``files(package)``), with the fixed
    fragments its statements may choose from besides :data:`FRAGMENTS`."""

    def __init__(
        self, package: str, fragments: Mapping[str, Mapping[str, str]] | None = None
    ) -> None:
        self.package = package
        own = {slot: dict(keys) for slot, keys in (fragments or {}).items()}
        self.fragments = {**FRAGMENTS, **own}
        _FOLDER_FRAGMENTS[package] = self.fragments

    def load(self, name: str, **choices: str | tuple[str, ...]) -> Sql:
        """The statement in ``name.sql`` with its slots filled by ``choices``."""
        return _load(self.package, name, tuple(sorted(choices.items())))


@cache
def _read(package: str, name: str) -> str:
    return (files(package) / f"{name}.sql").read_text("utf-8")


@cache
def _load(package: str, name: str, choices: tuple[tuple[str, str | tuple[str, ...]], ...]) -> Sql:
    chosen = dict(choices)

    def fill(match: re.Match[str]) -> str:
        slot = match.group(1)
        if slot.startswith("_"):
            return _SLOT.sub(fill, _read(package, slot))
        if slot in _CONSTANTS:
            return _CONSTANTS[slot]
        if slot not in chosen:
            raise ValueError(f"{name}.sql: no choice given for {{{{{slot}}}}}")
        choice = chosen[slot]
        if slot in _FILTER_SLOTS:
            return _conditions(tuple(choice), _FILTER_SLOTS[slot])
        if not isinstance(choice, str):
            raise TypeError(f"{name}.sql: {slot} takes one key, not {choice!r}")
        return _FOLDER_FRAGMENTS[package][slot][choice]

    text = _SLOT.sub(fill, _read(package, name))
    return Sql(name, text, frozenset(_PARAM.findall(_NOT_CODE.sub(" ", text))))


def _conditions(active: tuple[str, ...], prefix: str) -> str:
    if not active:
        return "TRUE"
    return " AND ".join(CONDITIONS[key].replace("$", "$" + prefix) for key in active)
