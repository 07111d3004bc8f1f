"""Text reduced to word tokens for matching: case, accents and most punctuation folded."""

from __future__ import annotations

import re
import unicodedata
from unicodedata import combining

# Sentence ends stop a phrase from matching across them; other punctuation is folded away.
TOKEN = re.compile(r"\w+|[/+.!?;:]")
BREAKS = frozenset({".", "!", "?", ";", ":"})
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CJK_DROPPED = re.compile(r"[^\w《〈「『【]")  # separators such as "・" and spaces do not count


def _combining_marks() -> re.Pattern[str]:
    # Every combining mark lies below U+20000; ranges keep the class short (~7 ms to build).
    ranges: list[str] = []
    run_start = previous = -2
    for code in range(0x20000):
        if not unicodedata.combining(chr(code)):
            continue
        if code != previous + 1:
            if run_start >= 0:
                ranges.append(f"{re.escape(chr(run_start))}-{re.escape(chr(previous))}")
            run_start = code
        previous = code
    ranges.append(f"{re.escape(chr(run_start))}-{re.escape(chr(previous))}")
    return re.compile("[" + "".join(ranges) + "]")


COMBINING = _combining_marks()


def fold(text: str) -> str:
    if text.isascii():  # the usual case: decomposition changes nothing
        return text.lower().replace("&", " and ")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return strip_marks(decomposed).replace("&", " and ")


def strip_marks(text: str) -> str:
    """``text`` without combining marks.

    Scanning with COMBINING's long class costs ~35 µs a post; most non-ASCII posts hold only
    emoji, and checking their few distinct non-ASCII characters finds them mark-free.
    """
    if not any(combining(char) for char in set(_NON_ASCII.findall(text))):
        return text
    return COMBINING.sub("", text)


def tokens(text: str) -> list[str]:
    return TOKEN.findall(fold(text))


def cjk_fold(text: str) -> str:
    """For scripts without spaces: NFKC, case folded, separators dropped (title brackets kept)."""
    return _CJK_DROPPED.sub("", unicodedata.normalize("NFKC", text).casefold())
