"""Linking new posts to stories, inside the transaction that stores them.

A new post joins the story of a stored post (or of a post earlier in the same batch) that
shares a key with it (analytics.core.stories); otherwise it starts its own story, whose id
is its own post_id. Stored posts keep their story: stories are never merged afterwards.

``story_keys`` holds one row per post that brought keys: its ``post_id`` and its 64-bit
keys as a list. The story a key leads to, the text that confirms a near-duplicate and the
day that bounds it are the post's own (``posts.story_id``, ``text``, ``created_at``), read
by joining the few matching posts. A url or title key is stored once, by the first story
that has it; text band keys are stored for every post. (Schema version 14 stored a row per
key repeating the story id, post id and day; version 15 groups them per post, about half
of the bytes. Migration 14 still writes that layout, which 15 converts.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb

from analytics.core.models import Post
from analytics.core.stories import (
    NEAR_DUP_DAYS,
    NEAR_DUP_SIMILARITY,
    StoryKeys,
    packed_signature,
    similarities,
    story_keys,
)
from analytics.store.rows import Columns

# Texts written from one template (a bot's "new chapter posted" notices) share bands across
# many stories; only the latest few per band are compared, so a lookup's cost is bounded.
MAX_BAND_CANDIDATES = 8

# Kinds of post whose title names a story: a headline. A social post's title does not, nor
# a video's: "Heartstopper season 3 episode 1 reaction" is many creators' different videos.
TITLED_KINDS = frozenset({"article"})

# Schema version 14's layout: a row per key (migration 14 creates and fills it).
CREATE_STORY_KEYS = (
    """
    CREATE TABLE story_keys (
        key BIGINT NOT NULL,
        story_id VARCHAR NOT NULL,
        post_id VARCHAR NOT NULL,
        day DATE NOT NULL
    )
    """,
    "CREATE INDEX story_keys_key ON story_keys (key)",
)

# Schema version 15's layout: a row per post, its keys in a list (migration 15 converts).
GROUPED_STORY_KEYS = (
    """
    CREATE TABLE story_keys_grouped (
        post_id VARCHAR NOT NULL,
        keys BIGINT[] NOT NULL
    )
    """,
    # Grouped in the order the keys were stored, so a block keeps one stretch of days.
    """
    INSERT INTO story_keys_grouped
    SELECT post_id, list(key ORDER BY rowid) FROM story_keys
    GROUP BY post_id ORDER BY min(rowid)
    """,
    "DROP INDEX IF EXISTS story_keys_key",
    "DROP TABLE story_keys",
    "ALTER TABLE story_keys_grouped RENAME TO story_keys",
)


@dataclass(frozen=True, slots=True)
class Copy:
    """What linking needs of a post."""

    post_id: str
    url: str | None
    title: str | None
    author: str | None
    text: str | None
    created_at: datetime
    post_kind: str
    other_urls: tuple[str, ...] = ()

    @classmethod
    def of(cls, post: Post) -> Copy:
        return cls(
            post.post_id,
            post.url,
            post.title,
            post.author,
            post.text,
            post.created_at,
            post.post_kind,
            tuple(post.other_urls),
        )

    def keys(self) -> StoryKeys:
        return story_keys(
            url=self.url,
            other_urls=self.other_urls,
            title=self.title,
            author=self.author,
            text=self.text,
            day=self.day,
            titled=self.post_kind in TITLED_KINDS,
        )

    @property
    def day(self) -> date:
        return self.created_at.astimezone(UTC).date()


@dataclass(slots=True)
class _Known:
    """Keys already leading to a story: stored ones and those of the batch so far."""

    exact: dict[int, str] = field(default_factory=dict)
    # band key -> (story_id, post_id, day, packed signature); None for a stored post, whose
    # signature is computed from ``texts`` only if it is compared (a stored candidate can be
    # pushed out by newer copies in the batch first), and then once.
    bands: dict[int, list[tuple[str, str, date, bytes | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    texts: dict[str, str] = field(default_factory=dict)  # post_id -> stored text
    signed: dict[str, bytes] = field(default_factory=dict)  # post_id -> signature of its text

    def signature_of(self, post_id: str) -> bytes:
        """The packed signature of a stored post's text, computed once per linking."""
        signature = self.signed.get(post_id)
        if signature is None:
            signature = self.signed[post_id] = packed_signature(self.texts.get(post_id))
        return signature


def link_posts(con: duckdb.DuckDBPyConnection, posts: Sequence[Post]) -> dict[str, str]:
    """Story ids of the posts not stored yet (post_id -> story_id); records their keys."""
    latest = {post.post_id: post for post in posts}
    stored = _stored_post_ids(con, list(latest))
    return link_copies(con, [Copy.of(p) for pid, p in latest.items() if pid not in stored])


def link_copies(
    con: duckdb.DuckDBPyConnection, copies: Sequence[Copy], *, per_key_rows: bool = False
) -> dict[str, str]:
    """Link ``copies`` (none of them linked before) in order of publication.

    ``per_key_rows``: the file still has schema version 14's ``story_keys`` (during
    migration 14).
    """
    if not copies:
        return {}
    ordered = sorted(copies, key=lambda c: (c.created_at, c.post_id))
    keys = [copy.keys() for copy in ordered]
    known = _stored_keys(con, keys, per_key_rows=per_key_rows)
    known.texts = _stored_texts(con, known)
    story_of: dict[str, str] = {}
    rows: list[tuple[int, str, str, date]] = []
    for copy, own in zip(ordered, keys, strict=True):
        day = copy.day
        story = _exact_match(known, own) or _near_match(known, own, day) or copy.post_id
        story_of[copy.post_id] = story
        for key in own.stored:
            if key not in known.exact:
                known.exact[key] = story
                rows.append((key, story, copy.post_id, day))
        for key in own.bands:
            entries = known.bands[key]
            entries.append((story, copy.post_id, day, own.signature))
            if len(entries) > MAX_BAND_CANDIDATES:
                entries.sort(key=lambda entry: entry[2])
                del entries[0]
            rows.append((key, story, copy.post_id, day))
    _insert_keys(con, rows, per_key_rows=per_key_rows)
    return story_of


def _exact_match(known: _Known, own: StoryKeys) -> str | None:
    for key in own.lookup:
        story = known.exact.get(key)
        if story is not None:
            return story
    return None


def _near_match(known: _Known, own: StoryKeys, day: date) -> str | None:
    # A post behind several shared bands is compared once (its entries are equal).
    candidates: dict[tuple[str, str, date], bytes] = {}
    for key in own.bands:
        for story, post, seen, signature in known.bands.get(key, ()):
            if abs((seen - day).days) > NEAR_DUP_DAYS:
                continue
            if signature is None:
                signature = known.signature_of(post)
            if signature:
                candidates.setdefault((story, post, seen), signature)
    if not candidates:
        return None
    best: tuple[float, str] | None = None
    scores = similarities(own.signature, list(candidates.values()))
    for (story, _post, _seen), score in zip(candidates, scores, strict=True):
        if score >= NEAR_DUP_SIMILARITY and (best is None or score > best[0]):
            best = (score, story)
    return best[1] if best else None


def _stored_post_ids(con: duckdb.DuckDBPyConnection, post_ids: list[str]) -> set[str]:
    if not post_ids:
        return set()
    rows = con.execute(
        "SELECT p.post_id FROM posts p "
        "JOIN (SELECT unnest($post_ids::VARCHAR[]) AS post_id) i ON p.post_id = i.post_id",
        {"post_ids": post_ids},
    ).fetchall()
    return {row[0] for row in rows}


# The stored keys a lookup matches, with the story, post and UTC day each leads to: the
# latest few posts per band key, every match of a url or title key.
_LINKING = Columns({"key": "BIGINT", "band": "BOOLEAN"})
_LOOKUP = f"""
    SELECT l.key, l.band, p.story_id, p.post_id,
           CAST(timezone('UTC', p.created_at) AS DATE) AS day
    FROM (SELECT post_id, unnest(keys) AS key FROM story_keys) s
    JOIN ({_LINKING.select}) l ON s.key = l.key
    JOIN posts p ON p.post_id = s.post_id
    QUALIFY NOT l.band OR row_number() OVER (
        PARTITION BY l.key ORDER BY CAST(timezone('UTC', p.created_at) AS DATE) DESC
    ) <= $candidates
"""  # noqa: S608 - only fixed column names and types go in
_LOOKUP_PER_KEY_ROWS = f"""
    SELECT s.key, l.band, s.story_id, s.post_id, s.day
    FROM story_keys s JOIN ({_LINKING.select}) l ON s.key = l.key
    QUALIFY NOT l.band
        OR row_number() OVER (PARTITION BY s.key ORDER BY s.day DESC) <= $candidates
"""  # noqa: S608 - only fixed column names and types go in


def _stored_keys(
    con: duckdb.DuckDBPyConnection, keys: Iterable[StoryKeys], *, per_key_rows: bool = False
) -> _Known:
    """Stored keys any of ``keys`` looks up (an equality join on the key, no scan of texts)."""
    exact = {k for own in keys for k in own.lookup}
    bands = {k for own in keys for k in own.bands}
    known = _Known()
    if not exact and not bands:
        return known
    rows = con.execute(
        _LOOKUP_PER_KEY_ROWS if per_key_rows else _LOOKUP,
        _LINKING.params(
            {"key": [*exact, *bands], "band": [False] * len(exact) + [True] * len(bands)}
        )
        | {"candidates": MAX_BAND_CANDIDATES},
    ).fetchall()
    for key, band, story, post_id, day in rows:
        if band:
            known.bands[key].append((story, post_id, day, None))
        else:
            known.exact.setdefault(key, story)
    return known


def _stored_texts(con: duckdb.DuckDBPyConnection, known: _Known) -> dict[str, str]:
    """Texts of the stored posts behind band matches (post_id -> text)."""
    wanted = {post for entries in known.bands.values() for _s, post, _d, _g in entries}
    if not wanted:
        return {}
    rows = con.execute(
        "SELECT p.post_id, p.text FROM posts p "
        "JOIN (SELECT unnest($post_ids::VARCHAR[]) AS post_id) i ON p.post_id = i.post_id",
        {"post_ids": sorted(wanted)},
    ).fetchall()
    return dict(rows)


_GROUPED_KEYS = Columns({"post_id": "VARCHAR", "keys": "BIGINT[]"})
_KEY_ROWS = Columns({"key": "BIGINT", "story_id": "VARCHAR", "post_id": "VARCHAR", "day": "DATE"})


def _insert_keys(
    con: duckdb.DuckDBPyConnection,
    rows: list[tuple[int, str, str, date]],
    *,
    per_key_rows: bool = False,
) -> None:
    """Store new keys: (key, story, post, day) rows, grouped per post."""
    if not rows:
        return
    if per_key_rows:
        _insert_key_rows(con, rows)
        return
    grouped: dict[str, list[int]] = defaultdict(list)
    for key, _story, post_id, _day in rows:
        grouped[post_id].append(key)
    con.execute(
        f"INSERT INTO story_keys BY NAME {_GROUPED_KEYS.select}",
        _GROUPED_KEYS.params({"post_id": list(grouped), "keys": list(grouped.values())}),
    )


def _insert_key_rows(
    con: duckdb.DuckDBPyConnection, rows: list[tuple[int, str, str, date]]
) -> None:
    """Schema version 14's layout: a row per key."""
    columns = dict(zip(_KEY_ROWS.names, map(list, zip(*rows, strict=True)), strict=True))
    con.execute(f"INSERT INTO story_keys BY NAME {_KEY_ROWS.select}", _KEY_ROWS.params(columns))


# Existing files: link the posts stored before story keys existed, oldest first, in chunks
# (each chunk looks up the keys the chunks before it stored, as live batches do).
BACKFILL_CHUNK = 20_000


def backfill_stories(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 14: give every stored post its story and record its keys (posts are never
    removed), in that version's ``story_keys`` layout."""
    con.execute(
        """
        CREATE TEMP TABLE story_backfill AS
        SELECT post_id, row_number() OVER (ORDER BY collected_at, created_at, post_id) AS n
        FROM posts
        """
    )
    try:
        row = con.execute("SELECT count(*) FROM story_backfill").fetchone()
        total = int(row[0]) if row else 0
        for start in range(0, total, BACKFILL_CHUNK):
            rows = con.execute(
                """
                SELECT p.post_id, p.url, p.title, p.author, p.text, p.created_at, p.post_kind
                FROM posts p JOIN story_backfill b ON p.post_id = b.post_id
                WHERE b.n > ? AND b.n <= ?
                """,
                [start, start + BACKFILL_CHUNK],
            ).fetchall()
            copies = [Copy(*row) for row in rows]
            _apply(con, link_copies(con, copies, per_key_rows=True))
    finally:
        con.execute("DROP TABLE story_backfill")


def _apply(con: duckdb.DuckDBPyConnection, story_of: dict[str, str]) -> None:
    """Store the story ids of posts that joined another post's story."""
    changed = {post: story for post, story in story_of.items() if post != story}
    if not changed:
        return
    con.execute(
        "UPDATE posts SET story_id = c.story_id FROM (SELECT unnest($post_ids::VARCHAR[]) "
        "AS post_id, unnest($story_ids::VARCHAR[]) AS story_id) c "
        "WHERE posts.post_id = c.post_id",
        {"post_ids": list(changed), "story_ids": list(changed.values())},
    )
