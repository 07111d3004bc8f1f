"""Theme keywords that end in ``*``: the last word matches any word starting with it.

``cancel*`` matches "cancel", "cancels", "cancelled", "cancelling" and "cancellation", and
not "cancer"; ``season renew*`` matches "season renewed". A prefix says exactly which
inflections count, in any language, where an automatic English rule would guess (and
"cancel" → "cancer" or "renew" → "renewable" are the guesses that go wrong). Keywords
without ``*`` stay exact phrases (see :mod:`collector.matching`). Rules: docs/watchlist.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from analytics.core.watchlist import PREFIX_MARK, Theme


@dataclass(frozen=True, slots=True)
class PrefixKeyword:
    entity_id: str
    label: str  # the keyword as written, recorded as `matched`
    before: tuple[str, ...]  # the exact words before the last one
    prefix: str  # the folded start of the last word


class PrefixKeywords:
    """Every prefix keyword of the themes, looked up by the start of each word."""

    def __init__(self, themes: Iterable[Theme], tokens: Callable[[str], list[str]]) -> None:
        self._by_prefix: dict[str, list[PrefixKeyword]] = {}
        for theme in themes:
            for keyword in theme.keywords:
                if not keyword.endswith(PREFIX_MARK):
                    continue
                words = tokens(keyword.removesuffix(PREFIX_MARK))
                if not words:  # the watchlist refuses these; nothing to look for
                    continue
                found = PrefixKeyword(f"theme:{theme.id}", keyword, tuple(words[:-1]), words[-1])
                self._by_prefix.setdefault(found.prefix, []).append(found)
        self._lengths = sorted({len(prefix) for prefix in self._by_prefix})

    def __bool__(self) -> bool:
        return bool(self._by_prefix)

    def find(self, words: list[str]) -> Iterable[PrefixKeyword]:
        """Keywords whose words end at some word of ``words`` (already folded tokens)."""
        for end, word in enumerate(words):
            for length in self._lengths:
                if length > len(word):
                    break
                for keyword in self._by_prefix.get(word[:length], ()):
                    start = end - len(keyword.before)
                    if start >= 0 and tuple(words[start:end]) == keyword.before:
                        yield keyword
