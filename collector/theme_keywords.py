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

# How many distinct words the keyword lookup remembers (~100 bytes each).
_WORDS_KEPT = 20_000


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
        # Each word's keywords, found once: posts repeat the same few thousand words.
        self._of_word: dict[str, tuple[PrefixKeyword, ...]] = {}

    def __bool__(self) -> bool:
        return bool(self._by_prefix)

    def find(self, words: list[str]) -> Iterable[PrefixKeyword]:
        """Keywords whose words end at some word of ``words`` (already folded tokens)."""
        of_word = self._of_word
        for end, word in enumerate(words):
            keywords = of_word.get(word)
            if keywords is None:
                keywords = self._ending_in(word)
            for keyword in keywords:
                start = end - len(keyword.before)
                if start >= 0 and tuple(words[start:end]) == keyword.before:
                    yield keyword

    def _ending_in(self, word: str) -> tuple[PrefixKeyword, ...]:
        """The keywords whose last word ``word`` starts with, remembered for the next post."""
        found: list[PrefixKeyword] = []
        for length in self._lengths:
            if length > len(word):
                break
            found += self._by_prefix.get(word[:length], ())
        if len(self._of_word) >= _WORDS_KEPT:
            self._of_word.clear()
        keywords = self._of_word[word] = tuple(found)
        return keywords
