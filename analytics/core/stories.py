"""Story keys: what makes two collected posts copies of one story (pure functions).

Three kinds of key link copies (docs/schema.md, "Stories and copies"):

- **url**: the canonical form of the post's link and of any other address the source gave
  for the same item (a feed's ``feedburner:origLink``, a permalink-style guid on the same
  host). Tracking parameters, fragments, ``www.``, a trailing slash and http/https differences
  are folded away; every other query parameter is kept, because on many sites it names the
  page (WordPress ``?p=123``, ``?id=``, ``?v=`` on YouTube).
- **title**: the normalised title of a news article (case, accents and punctuation
  folded; a trailing `` - Publisher`` / `` | Publisher`` suffix dropped when it names the
  item's publisher) plus its UTC day. Only distinctive titles get one: a title of a few
  words ("Heartstopper", "wow") is shared by unrelated posts.
- **text**: near-identical body text (a syndicated copy under another outlet's URL): a
  MinHash of the text's word 3-grams, banded so that a lookup is an equality match on a
  band; a band match is a candidate only, confirmed by the estimated similarity. Short
  texts get none: a sentence or two is shared by chance.

MinHash comes from ``rensa`` (a maintained Rust extension, ~0.5 MB, imports in ~1 ms,
~5 µs per signature; it does not load numpy). ``datasketch`` needs scipy (tens of MB, slow
import) and the ``simhash`` package is unmaintained pure Python.

A signature travels packed (``NUM_PERM`` little-endian uint32, 240 bytes): band keys hash
its slices, and a candidate is compared as one integer, lane by lane (a few µs; numpy was
no faster for the handful of candidates a post has, and cost the collector 18 MB).
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from rensa import RMinHash

# Query parameters that only say how a reader arrived, never which page it is.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref",
        "ref_src",
        "ref_url",
        "_hsenc",
        "_hsmi",
        "oly_anon_id",
        "oly_enc_id",
        "cmpid",
        "ocid",
        "ncid",
    }
)
_TRACKING_PREFIXES = ("utm_",)
# scheme://host[:port] path ?query #fragment (a parse ~5x cheaper than urllib's).
_HTTP_URL = re.compile(
    r"(?i:https?)://(?:[^/?#@]*@)?(?P<host>[^/?#@]+)(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?"
)
_DEFAULT_PORT = re.compile(r":(?:80|443)?$")

# A title is distinctive when it has at least this many words and characters (folded); in
# scripts written without spaces (CJK) when it has this many characters: ハートストッパー
# (8) alone is a show's name, not a headline.
MIN_TITLE_WORDS = 5
MIN_TITLE_CHARS = 28
MIN_WIDE_TITLE_CHARS = 14
# Near-duplicate text: only texts of at least this many words are fingerprinted.
MIN_TEXT_WORDS = 30
# Enough of a long text to tell copies apart; keeps the cost per post bounded.
MAX_TEXT_CHARS = 2000
# 60 permutations in 10 bands of 6: texts with Jaccard similarity 0.8 share a band with
# probability 0.95, at 0.9 with 0.9995; a candidate counts when its estimate reaches this.
NUM_PERM = 60
BANDS = 10
ROWS_PER_BAND = NUM_PERM // BANDS
NEAR_DUP_SIMILARITY = 0.8
MINHASH_SEED = 14
_PACKED = struct.Struct(f"<{NUM_PERM}I")
# Bit 0 of every 32-bit lane of a packed signature read as one little-endian integer.
_LANE_LOW_BITS = int.from_bytes(_PACKED.pack(*[1] * NUM_PERM), "little")
# Each band's key is a BLAKE2b hash salted with the band's number.
_BAND_HASHERS = tuple(hashlib.blake2b(digest_size=8, salt=bytes((band,))) for band in range(BANDS))
# Signatures of the latest texts, by text: a stored post that is a candidate again in the
# next batch is not hashed again (its text still comes from the database). ~0.5 KB each.
SIGNATURE_MEMO = 4096
# A near-identical copy joins a story first seen at most this many days before or after.
NEAR_DUP_DAYS = 7
# Title keys are looked up on the post's day and the days either side: a copy dated 00:03
# belongs with an original dated 23:58 the day before.
TITLE_DAY_SLACK = 1

_SUFFIX = re.compile(r"^(?P<title>.+?)\s+[-–—|·:]\s+(?P<suffix>[^-–—|·:]{2,80})$")
_WIDE = r"\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\u3040-\u30ff"
_TOKEN = re.compile(rf"[{_WIDE}]|[^\W{_WIDE}]+")
_FOLD = re.compile(r"[\W_]+")
# Combining accents of Latin, Greek and Cyrillic letters ("é" → "e"); other scripts' marks
# (kana voicing) stay, as they change the word.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@dataclass(frozen=True, slots=True)
class StoryKeys:
    """A post's keys: equality keys to store and to look up, and its text signature."""

    stored: tuple[int, ...]  # url keys and the title key of the post's own day
    lookup: tuple[int, ...]  # the stored keys plus title keys of the neighbouring days
    bands: tuple[int, ...]  # text band keys (empty for short texts)
    signature: bytes  # MinHash of the text, packed (empty for short texts)


def canonical_url(url: str | None) -> str | None:
    """The form of ``url`` shared by its copies; None when it is not an http(s) URL."""
    match = _HTTP_URL.match(url.strip()) if url else None
    if not match:
        return None
    host = match.group("host").lower().rstrip(".").removeprefix("www.")
    host = _DEFAULT_PORT.sub("", host)
    path = match.group("path").rstrip("/")
    query = match.group("query")
    if query:
        kept = sorted(p for p in query.split("&") if p and not _is_tracking(p.partition("=")[0]))
        query = "&".join(kept)
    # http and https name one page: copies differ only in how the feed spelled it.
    return f"https://{host}{path}?{query}" if query else f"https://{host}{path}"


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def fold(text: str) -> str:
    """Case, accents and punctuation folded; words separated by single spaces."""
    if not text.isascii():
        # Decompose, drop Latin accents, recompose (kana keep their voicing marks).
        text = unicodedata.normalize("NFKC", _MARKS.sub("", unicodedata.normalize("NFKD", text)))
    return _FOLD.sub(" ", text.casefold()).strip()


def story_title(title: str | None, publishers: tuple[str | None, ...]) -> str | None:
    """The folded title without a suffix naming one of ``publishers``; None if not distinctive.

    ``publishers`` are names the item gives its publisher: the author (an aggregator names
    the publisher there) and the link's host ("pinknews.co.uk" names "PinkNews").
    """
    if not title:
        return None
    match = _SUFFIX.match(title.strip())
    if match and _names_publisher(fold(match.group("suffix")), publishers):
        title = match.group("title")
    folded = fold(title)
    if _is_wide(folded):
        distinctive = len(folded.replace(" ", "")) >= MIN_WIDE_TITLE_CHARS
    else:
        distinctive = folded.count(" ") + 1 >= MIN_TITLE_WORDS and len(folded) >= MIN_TITLE_CHARS
    return folded if distinctive else None


def _names_publisher(suffix: str, publishers: tuple[str | None, ...]) -> bool:
    if not suffix:
        return False
    squeezed = suffix.replace(" ", "")
    for name in publishers:
        if not name:
            continue
        folded = fold(name)
        if folded == suffix or folded.replace(" ", "") == squeezed:
            return True
    return False


def _is_wide(text: str) -> bool:
    return re.search(f"[{_WIDE}]", text) is not None


def publisher_of(url: str | None) -> str | None:
    """The site name a link's host spells ("www.pinknews.co.uk" → "pinknews")."""
    match = _HTTP_URL.match(url.strip()) if url else None
    if not match:
        return None
    labels = [label for label in match.group("host").lower().split(".") if label != "www"]
    return labels[0] if labels and labels[0] else None


def packed_signature(text: str | None) -> bytes:
    """MinHash of the text's word 3-grams, packed as ``NUM_PERM`` little-endian uint32;
    b"" when the text is too short to compare."""
    # Only the start of a text counts, so only the start is remembered.
    return _packed_signature(text[:MAX_TEXT_CHARS]) if text else b""


@lru_cache(maxsize=SIGNATURE_MEMO)
def _packed_signature(text: str) -> bytes:
    # Case folded; punctuation is not a token. Copies keep their accents, so no NFKD here.
    tokens = _TOKEN.findall(text.casefold())
    if len(tokens) < MIN_TEXT_WORDS:
        return b""
    shingles = [f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False)]
    minhash = RMinHash(num_perm=NUM_PERM, seed=MINHASH_SEED)
    minhash.update(shingles)
    return _PACKED.pack(*minhash.digest())


def similarities(own: bytes, others: Sequence[bytes]) -> list[float]:
    """Estimated Jaccard similarity of a packed signature with each of ``others`` (packed,
    non-empty); 0 when ``own`` is empty."""
    if not own or not others:
        return [0.0] * len(others)
    mine = int.from_bytes(own, "little")
    found = []
    for other in others:
        # A lane differs when any of its 32 bits does: OR-folding the XOR by 16, 8, 4, 2
        # and 1 bits brings each lane's bits down to its bit 0 (never into the lane below).
        differ = mine ^ int.from_bytes(other, "little")
        for shift in (16, 8, 4, 2, 1):
            differ |= differ >> shift
        found.append((NUM_PERM - (differ & _LANE_LOW_BITS).bit_count()) / NUM_PERM)
    return found


def key_hash(*parts: str) -> int:
    """A signed 64-bit key (a DuckDB BIGINT) for the parts, stable across processes."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def band_keys(signature: bytes) -> tuple[int, ...]:
    """One signed 64-bit key per band of a packed signature: equal bands, equal keys."""
    if not signature:
        return ()
    width = 4 * ROWS_PER_BAND
    keys = []
    for band, salted in enumerate(_BAND_HASHERS):
        hasher = salted.copy()  # cheaper than a new salted hasher
        hasher.update(signature[band * width : (band + 1) * width])
        keys.append(int.from_bytes(hasher.digest(), "big", signed=True))
    return tuple(keys)


def title_key(title: str, day: date) -> int:
    return key_hash("title", day.isoformat(), title)


def story_keys(
    *,
    url: str | None,
    other_urls: tuple[str, ...] | list[str],
    title: str | None,
    author: str | None,
    text: str | None,
    day: date,
    titled: bool,
) -> StoryKeys:
    """Every key of one post. ``titled``: its kind has titles that name a story (articles)."""
    urls = {canonical_url(u) for u in (url, *other_urls)}
    stored = [key_hash("url", u) for u in sorted(u for u in urls if u)]
    lookup = list(stored)
    folded = story_title(title, (author, publisher_of(url))) if titled else None
    if folded:
        own = title_key(folded, day)
        stored.append(own)
        lookup.append(own)
        for shift in range(1, TITLE_DAY_SLACK + 1):
            lookup.append(title_key(folded, day - timedelta(days=shift)))
            lookup.append(title_key(folded, day + timedelta(days=shift)))
    signature = packed_signature(text)
    return StoryKeys(tuple(stored), tuple(lookup), band_keys(signature), signature)
