"""An alert as one webhook message that Slack, Discord and plain JSON receivers all read.

- ``text`` (Slack mrkdwn): ``<url|title>`` links; ``&``, ``<`` and ``>`` escaped, so post
  text can neither fake a link nor mention ``<!channel>``.
- ``content`` (Discord markdown): ``[title](<url>)`` links (the angle brackets keep Discord
  from unfurling five previews); markdown characters escaped, and ``allowed_mentions``
  empty so an ``@everyone`` in a post pings nobody.
- ``alert`` (any JSON receiver): the same facts as fields, posts as ``{title, url}``.

Each receiver ignores the others' keys. Post titles and URLs are untrusted: a URL is linked
only if it is http(s), with the characters that would end the link percent-encoded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from analytics.queries.alerts import Alert

# Discord refuses messages over 2,000 characters; Slack's limit is far higher.
MAX_MESSAGE_CHARS = 1_900

_URL_BREAKERS = {" ": "%20", "<": "%3C", ">": "%3E", "|": "%7C", "(": "%28", ")": "%29"}
_DISCORD_MARKDOWN = re.compile(r"([\\*_~`|\[\]<>#])")


def _safe_url(url: str) -> str:
    return "".join(_URL_BREAKERS.get(c, c) for c in url if c.isprintable())


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def discord_escape(text: str) -> str:
    return _DISCORD_MARKDOWN.sub(r"\\\1", text)


def slack_text(alert: Alert) -> str:
    return _compose(
        alert,
        slack_escape,
        lambda title, url: f"• <{_safe_url(url)}|{slack_escape(title).replace('|', '¦')}>",
    )


def discord_content(alert: Alert) -> str:
    return _compose(
        alert, discord_escape, lambda title, url: f"• [{discord_escape(title)}](<{_safe_url(url)}>)"
    )


def _compose(alert: Alert, escape: Callable[[str], str], link: Callable[[str, str], str]) -> str:
    """Title and explanation, then as many linked posts as fit whole (never half a link)."""
    head = escape(f"{alert.title}\n{alert.message}")
    if len(head) > MAX_MESSAGE_CHARS:
        return head[: MAX_MESSAGE_CHARS - 1] + "…"
    lines = [head]
    size = len(head)
    for item in alert.links:
        line = link(item.title, item.url)
        if size + 1 + len(line) > MAX_MESSAGE_CHARS:
            break
        lines.append(line)
        size += 1 + len(line)
    return "\n".join(lines)


def payload(alert: Alert) -> dict[str, Any]:
    return {
        "text": slack_text(alert),
        "content": discord_content(alert),
        "username": "fanpulse",
        "allowed_mentions": {"parse": []},
        "alert": {
            "id": alert.alert_id,
            "kind": alert.kind,
            "happened_at": alert.happened_at.isoformat(),
            "bucket": alert.bucket,
            "title": alert.title,
            "message": alert.message,
            "entities": list(alert.entity_ids),
            "source": alert.source_name,
            "posts": [{"title": link.title, "url": link.url} for link in alert.links],
        },
    }
