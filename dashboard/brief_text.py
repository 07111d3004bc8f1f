"""The brief in a few plain lines: the body of the digest email beside its HTML."""

from __future__ import annotations

from dashboard.brief_data import BriefData
from dashboard.brief_html import brief_title, clip

TEXT_POST_CHARS = 120


def _change(value: float | None, days: int) -> str:
    if value is None:
        return f"nothing in the previous {days} days"
    return f"{value * 100:+.0f}% vs the previous {days} days"


def render_text(data: BriefData) -> str:
    now, days = data.kpis.current, data.period.days
    lines = [brief_title(data), ""]
    lines.append(f"Posts: {now.posts:,} ({_change(data.kpis.posts_change, days)})")
    lines.append(f"Stories: {now.stories:,} ({_change(data.kpis.stories_change, days)})")
    if now.avg_sentiment is not None:
        lines.append(f"Average sentiment: {now.avg_sentiment:+.2f} (−1 to +1)")
    if data.empty:
        lines += ["", "No posts in this period: nothing was collected."]
    for spike in data.spikes:
        lines.append(
            f"Spike: {spike.name}, {spike.bucket:%a %d %b}: {spike.posts:,} posts against a "
            f"usual {spike.baseline:,.0f}"
        )
        lines += [
            f"  · {clip(p.title or p.snippet, TEXT_POST_CHARS)} {p.url or ''}".rstrip()
            for p in spike.top_posts
        ]
    if not data.voice.empty and data.voice["mentions"].sum() > 0:
        shares = ", ".join(
            f"{r.name} {r.share_pct:.0f}%" for r in data.voice.itertuples(index=False) if r.mentions
        )
        lines.append(f"Share of voice: {shares}")
    if not data.terms.empty:
        lines.append("Rising terms: " + ", ".join(str(t) for t in data.terms["term"]))
    lines += ["", "The full brief, with its charts, is attached: open it in a browser."]
    return "\n".join(lines) + "\n"
