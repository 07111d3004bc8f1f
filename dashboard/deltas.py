"""Changes against the previous period, shown only where something changed."""

from __future__ import annotations

ZEROS = ("0", "0.0", "0.00")


def changed(text: str) -> str | None:
    """``text`` (a formatted change: "+3%", "-0.04", "+1.5 pts"), or None when it rounds to
    zero: a green "↑ +0.00" says nothing happened in the colour of good news."""
    number = text.lstrip("+-−").removesuffix(" pts").removesuffix("%")
    return None if number in ZEROS else text
