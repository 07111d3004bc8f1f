"""Configuration errors as one line naming the file, the key and the problem.

Shared by every file the project reads (the config, the watchlist, the events), so they
all fail the same way.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError


class ConfigError(Exception):
    """A configuration problem a user must fix; ``str()`` is one line naming file and key."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path = str(path)
        self.key = key
        self.problem = problem
        where = f"{self.path}: {key}: " if key else f"{self.path}: "
        super().__init__(where + problem)


def read_toml(path: Path, missing_hint: str = "") -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(path, "", "file not found" + missing_hint)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "", f"not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(path, "", f"cannot read: {exc.strerror}") from None


def config_error(path: Path, exc: ValidationError, raw: Any = None) -> ConfigError:
    """The first validation error as one line: file, dotted key, problem."""
    first = exc.errors()[0]
    key = _dotted(first["loc"], raw)
    problem = first["msg"]
    if first["type"] == "extra_forbidden":
        problem = "unknown key (check its spelling)"
    elif first["type"] == "value_error":
        problem = problem.removeprefix("Value error, ")
    return ConfigError(path, key, problem)


def _dotted(loc: tuple[Any, ...], raw: Any) -> str:
    """('sources', 2, 'url') → 'sources[2].url' (with the source's name when it has one)."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and item < len(node):
                node = node[item]
                if isinstance(node, dict) and isinstance(node.get("name"), str):
                    label = f"[{item}] ({node['name']})"
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts)
