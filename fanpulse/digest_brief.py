"""What the collector's digest sends: the brief of :mod:`dashboard.brief`, as an email.

The collector knows only :class:`collector.digest.BriefSource`; the app shell, which knows
both sides, hands it this one.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import make_msgid

from analytics.core.config import AppConfig
from analytics.core.filters import Filters
from collector.smtp import MailContent
from dashboard.brief import BriefData, read_brief, render_brief
from dashboard.brief_html import POLICY
from dashboard.brief_text import render_text


class DigestBrief:
    """Reads and renders the brief for :class:`collector.digest.Digest`."""

    def read(self, config: AppConfig, filters: Filters, now: datetime) -> BriefData:
        unit = "posts" if config.digest.copies else "stories"
        return read_brief(config, filters, unit=unit, now=now)

    def render(self, data: BriefData) -> MailContent:
        brief = render_brief(data)
        # In the message, the charts are parts of it (cid:), which mail programs show more
        # readily than data URIs; the attached page keeps its data URIs.
        html = brief.html.replace(POLICY, POLICY.replace("img-src data:", "img-src data: cid:"))
        inline = []
        for image in brief.images.values():
            cid = make_msgid("chart", domain="fanpulse.invalid")[1:-1]
            html = html.replace(image.data_uri, f"cid:{cid}")
            inline.append((cid, image.png))
        return MailContent(
            subject=brief.title,
            text=render_text(data),
            html=html,
            inline=inline,
            attachment_name=brief.file_name(),
            attachment=brief.html.encode("utf-8"),
        )
