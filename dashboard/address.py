"""Shareable views: every filter lives in the page's address (``st.query_params``).

A filter is a :class:`Param`: its name in the address, the session-state key of its widget
and how its value is read from and written to text. Opening an address seeds the widgets
from it once per session (:func:`restore`); each run writes the chosen values back
(:func:`publish`), leaving defaults out so a plain view has a plain address. A value that
cannot be read falls back to the default and the page says so: a link typed by hand or cut
by a chat client must never break the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

SEEDED_KEY = "fanpulse_address_seeded"  # the params already read from the address
OPENED_KEY = "fanpulse_opened_address"  # the address a page was first opened with
SEPARATOR = ","
# Each page's own filters, by the page's address; a page's params carry these names.
PAGE_PARAMS: dict[str, tuple[str, ...]] = {
    "": ("indexed",),  # Overview, the default page
    "compare": ("measure",),
    "attention": ("entity",),
    "explore": ("q", "sentiment", "lang"),
}


@dataclass(frozen=True, slots=True)
class Param:
    """One filter in the address: ``name=text`` ↔ the session state of its widget(s).

    ``read`` turns the text into session-state values (raising ValueError, with a reason a
    reader understands, for text it cannot take); ``write`` gives the text for the current
    state, or None for the default, which stays out of the address.
    """

    name: str
    read: Callable[[str], dict[str, Any]]
    write: Callable[[Mapping[str, Any]], str | None]


def remember_opened_address() -> None:
    """Keep the address a page was opened with, before a switch of pages drops it."""
    if OPENED_KEY not in st.session_state:
        st.session_state[OPENED_KEY] = st.query_params.to_dict()


def _opened() -> dict[str, str]:
    stashed = st.session_state.get(OPENED_KEY)
    found = dict(stashed) if isinstance(stashed, dict) else {}
    return {**found, **st.query_params.to_dict()}


def restore(params: Sequence[Param]) -> list[str]:
    """Seed each param's widget from the address, once per session; the notes on values
    that could not be used (shown by the caller)."""
    seeded: set[str] = st.session_state.setdefault(SEEDED_KEY, set())
    opened = _opened()
    notes = []
    for param in params:
        if param.name in seeded:
            continue
        seeded.add(param.name)
        text = opened.get(param.name)
        if text is None:
            continue
        try:
            values = param.read(text)
        except ValueError as exc:
            notes.append(f"The link's {param.name}={text!r} was ignored: {exc}.")
            continue
        for key, value in values.items():
            st.session_state[key] = value
    return notes


def publish(params: Iterable[Param]) -> None:
    """Write each param's current value into the address (defaults left out)."""
    for param in params:
        text = param.write(st.session_state)
        if text is None:
            if param.name in st.query_params:
                del st.query_params[param.name]
        elif st.query_params.get(param.name) != text:
            st.query_params[param.name] = text


def follow(params: Sequence[Param]) -> None:
    """A page's own filters: seeded from the address (notes shown), written back to it.

    Called before the widgets are drawn: a widget's state already holds the reader's
    latest choice when the script reruns for it.
    """
    for note in restore(params):
        st.warning(note, icon=":material/link_off:")
    publish(params)


def keep_only(names: Iterable[str]) -> None:
    """Drop from the address the params of other pages (the page has changed)."""
    names = set(names)
    for name in list(st.query_params.keys()):
        if name not in names:
            del st.query_params[name]


# ---------------------------------------------------------------- value kinds


def choice(name: str, key: str, options: Sequence[str], default: str | None, what: str) -> Param:
    """One of ``options`` (``default`` stays out of the address)."""

    def read(text: str) -> dict[str, Any]:
        if text not in options:
            raise ValueError(f"not a known {what} (one of {', '.join(options)})")
        return {key: text}

    def write(state: Mapping[str, Any]) -> str | None:
        value = state.get(key)
        return None if value is None or value == default or value not in options else str(value)

    return Param(name, read, write)


def one(name: str, key: str, allowed: Callable[[], Iterable[str]], what: str) -> Param:
    """One value of a list known only when the page runs (e.g. an entity id)."""

    def read(text: str) -> dict[str, Any]:
        if text not in set(allowed()):
            raise ValueError(f"no {what} called {text}")
        return {key: text}

    def write(state: Mapping[str, Any]) -> str | None:
        value = state.get(key)
        return value if isinstance(value, str) and value else None

    return Param(name, read, write)


def many(name: str, key: str, allowed: Callable[[], Iterable[str]], what: str) -> Param:
    """A comma-separated list of known values. One unknown value makes the whole list
    invalid, so a link never quietly shows another selection than the one it names."""

    def read(text: str) -> dict[str, Any]:
        known = set(allowed())
        picked = list(dict.fromkeys(p.strip() for p in text.split(SEPARATOR) if p.strip()))
        unknown = [p for p in picked if p not in known]
        if unknown:
            raise ValueError(f"no {what} called {', '.join(unknown)}")
        return {key: picked}

    def write(state: Mapping[str, Any]) -> str | None:
        value = state.get(key)
        return SEPARATOR.join(value) if isinstance(value, list | tuple) and value else None

    return Param(name, read, write)


def flag(name: str, key: str, default: bool) -> Param:
    """An on/off switch as 1 or 0."""

    def read(text: str) -> dict[str, Any]:
        if text not in ("0", "1"):
            raise ValueError("use 1 (on) or 0 (off)")
        return {key: text == "1"}

    def write(state: Mapping[str, Any]) -> str | None:
        on = bool(state.get(key, default))
        return None if on == default else ("1" if on else "0")

    return Param(name, read, write)


def text(name: str, key: str, limit: int) -> Param:
    """Free text of at most ``limit`` characters."""

    def read(value: str) -> dict[str, Any]:
        if len(value) > limit:
            raise ValueError(f"longer than {limit} characters")
        return {key: value}

    def write(state: Mapping[str, Any]) -> str | None:
        value = state.get(key)
        return (value.strip() or None) if isinstance(value, str) else None

    return Param(name, read, write)
