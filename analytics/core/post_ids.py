"""Post ids of feed items: which native ids are globally unique, and how others are qualified.

A feed promises its guids are unique only within that feed: many sites number their items
"1", "2", … So a feed item's post id is ``<source>:<native id>`` only when the native id is
globally unique, and ``<source>:<channel>#<native id>`` (the channel is the feed's URL)
otherwise. An id is globally unique when its form names who minted it:

- an absolute URI with an authority (``https://site/…`` permalinks, ``at://…``);
- a ``tag:`` URI (RFC 4151: an authority and a date);
- a ``urn:`` URI with a namespace (RFC 8141, e.g. ``urn:uuid:…``);
- a platform's own id form: YouTube's ``yt:video:…``;
- a ``sha1-`` digest fanpulse makes of an entry with no id and no link (a digest of its
  content: the same wording is the same post wherever it appears) or of an id too long to
  keep (a guid of hundreds of characters is not reused by chance).

Any id is global in a feed of a platform whose feeds all share one id space: Google News
(an article's opaque guid is the same in every search feed that carries it) and Reddit.

Ids of the global forms were never qualified, so posts stored before this rule keep them.
Changing the rule changes stored ids: it needs a migration of its own.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_GLOBAL_ID = re.compile(
    r"""
    [a-z][a-z0-9+.-]*://[^/?\#\s]+            # scheme://authority
    | tag:[^,\s]+,\d{4}(?:-\d{2}){0,2}:       # tag:example.com,2005:…
    | urn:[a-z0-9][a-z0-9-]{0,31}:\S          # urn:<namespace>:…
    | yt:(?:video|channel|playlist):[\w-]+$   # YouTube
    | sha1-[0-9a-f]{40}$                      # fanpulse's own digest
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Hosts whose feeds all draw guids from one id space (a host's subdomains included).
_SHARED_ID_SPACE_HOSTS = ("news.google.com", "reddit.com")
# Before the rule, the rss kind stored every guid unqualified. Other feed-based kinds store
# their platform's ids (ao3:<work>, youtube:<video>, reddit:<fullname>), unique as they are.
UNQUALIFIED_BEFORE = "rss"


def is_global_id(native: str) -> bool:
    """True when ``native`` is unique across feeds by its form (see the module's rule)."""
    return _GLOBAL_ID.match(native) is not None


def feed_post_id(source: str, channel: str, native: str) -> str:
    """The post id of a feed item: qualified by its feed unless its id is global."""
    if is_global_id(native) or _shares_id_space(channel):
        return f"{source}:{native}"
    return f"{source}:{channel}#{native}"


def upgrade_stored_id(post_id: str, source: str, channel: str) -> str:
    """The id a post stored under the old unqualified rule has under the current rule.

    Ids already qualified, of other kinds, or global come back unchanged.
    """
    prefix = f"{source}:"
    if source != UNQUALIFIED_BEFORE or not post_id.startswith(prefix):
        return post_id
    native = post_id.removeprefix(prefix)
    if native.startswith(f"{channel}#"):
        return post_id
    return feed_post_id(source, channel, native)


def _shares_id_space(channel: str) -> bool:
    try:
        host = (urlsplit(channel).hostname or "").lower()
    except ValueError:
        return False
    return any(host == h or host.endswith(f".{h}") for h in _SHARED_ID_SPACE_HOSTS)
