"""The brief as one self-contained HTML page: inline CSS, charts as data URIs, no script.

Everything quoted from posts (titles, text, authors, terms, links) was written by strangers:
each is escaped, and a link is kept only when it is an http(s) address. A Content Security
Policy forbids the page to load anything at all, so even a mail client or browser that
would fetch remote content gets nothing to fetch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from urllib.parse import urlsplit

import pandas as pd

from analytics.queries.kpis import Kpis
from analytics.queries.spikes import Spike, SpikePost
from dashboard.brief_charts import Image
from dashboard.brief_data import BriefData
from dashboard.brief_style import CSS, NARROW_CSS
from dashboard.labels import SOURCE_LABELS

POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
POST_CHARS = 240


def web_url(value: object) -> str | None:
    """An http(s) address worth linking, or None (post URLs are untrusted)."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def clip(text: object, limit: int = POST_CHARS) -> str:
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def brief_title(data: BriefData) -> str:
    about = ", ".join(data.about) if data.about else "everything watched"
    return f"fanpulse brief: {about}, {data.period.label()}"


def render_html(data: BriefData, images: Mapping[str, Image]) -> str:
    """The page; ``images`` by name (volume, sentiment, voice), missing ones left out."""
    title = brief_title(data)
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="muted">{escape(_subtitle(data))}</p>',
        _kpi_cards(data.kpis, data.period.days),
    ]
    if data.empty:
        body.append('<p class="notice">No posts in this period: nothing was collected.</p>')
    else:
        body.append(_charts(images))
        body.append(_spikes(data.spikes))
        body.append(_voice(data.voice, images.get("voice")))
        body.append(_terms(data.terms))
    body.append(
        f'<footer class="muted">Made by fanpulse on {data.generated_at:%Y-%m-%d %H:%M} UTC. '
        "Engagement: likes (or score) + 2 × shares + replies.</footer>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}{NARROW_CSS}</style></head>\n"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


def _subtitle(data: BriefData) -> str:
    counted = "every copy of a post counted" if data.unit == "posts" else "stories: copies once"
    return (
        f"The {data.period.days} UTC days {data.period.label()}, against the "
        f"{data.period.days} days before · {counted} · a show includes its cast, characters "
        "and ships"
    )


def _change(value: float | None, versus: str) -> str:
    if value is None:
        return f'<span class="muted">nothing in the previous {versus}</span>'
    rounded = round(value * 100)
    if rounded == 0:
        return f'<span class="muted">unchanged vs the previous {versus}</span>'
    arrow, tone = ("↑", "up") if rounded > 0 else ("↓", "down")
    return f'<span class="{tone}">{arrow} {rounded:+d}%</span> vs the previous {versus}'


def _points(now: float | None, before: float | None, scale: float, spec: str, unit: str) -> str:
    """A change in absolute terms, shown only when it shows at the printed precision."""
    if now is None or before is None:
        return ""
    delta = (now - before) * scale
    text = f"{delta:{spec}}"
    if float(text) == 0:
        return '<span class="muted">unchanged</span>'
    tone = "up" if delta > 0 else "down"
    return f'<span class="{tone}">{"↑" if delta > 0 else "↓"} {text}{unit}</span>'


def _kpi_cards(figures: Kpis, days: int) -> str:
    now, before = figures.current, figures.previous
    versus = f"{days} days"
    sentiment = "—" if now.avg_sentiment is None else f"{now.avg_sentiment:+.2f}"
    positive = "—" if now.positive_share is None else f"{now.positive_share:.0%}"
    top = SOURCE_LABELS.get(now.top_source or "", now.top_source or "—")
    cards = [
        ("Posts", f"{now.posts:,}", _change(figures.posts_change, versus), "kpi-posts"),
        ("Stories", f"{now.stories:,}", _change(figures.stories_change, versus), "kpi-stories"),
        (
            "Average sentiment",
            sentiment,
            _points(now.avg_sentiment, before.avg_sentiment, 1, "+.2f", ""),
            "kpi-sentiment",
        ),
        (
            "Positive posts",
            positive,
            _points(now.positive_share, before.positive_share, 100, "+.1f", " pts"),
            "kpi-positive",
        ),
        ("Authors", f"{now.authors:,}", _muted(f"{before.authors:,} before"), "kpi-authors"),
        (
            "Top source",
            escape(top),
            f"{now.top_source_share:.0%} of posts" if now.top_source_share else "",
            "kpi-source",
        ),
    ]
    return (
        '<section class="kpis">'
        + "".join(
            f'<div class="kpi" id="{key}"><div class="label">{label}</div>'
            f'<div class="value">{value}</div><div class="delta">{delta}</div></div>'
            for label, value, delta, key in cards
        )
        + "</section>"
    )


def _muted(text: str) -> str:
    return f'<span class="muted">{escape(text)}</span>'


def _img(image: Image | None) -> str:
    if image is None:
        return ""
    return f'<img src="{image.data_uri}" alt="{escape(image.alt)}">'


def _charts(images: Mapping[str, Image]) -> str:
    return (
        '<section class="charts">'
        f"<figure>{_img(images.get('volume'))}</figure>"
        f"<figure>{_img(images.get('sentiment'))}</figure></section>"
    )


def _post(post: SpikePost) -> str:
    same = not post.title or str(post.snippet or "").startswith(post.title)
    text = clip(post.snippet if same else f"{post.title} — {post.snippet}")
    url = web_url(post.url)
    quoted = escape(text) or '<span class="muted">(no text)</span>'
    link = f' <a href="{escape(url, quote=True)}" rel="noopener noreferrer">open</a>' if url else ""
    who = f" · {escape(post.author)}" if post.author else ""
    return (
        f'<li class="post"><q>{quoted}</q>{link}<div class="muted">'
        f"{post.engagement:,} engagement · {escape(post.source_name)}{who} · "
        f"{post.created_at:%Y-%m-%d %H:%M} UTC</div></li>"
    )


def _spikes(spikes: Iterable[Spike]) -> str:
    items = [
        f'<li class="spike"><strong>{escape(s.name)}</strong>, {s.bucket:%a %d %b %Y}: '
        f"{s.posts:,} posts against a usual {s.baseline:,.0f} (z {s.z:.1f})"
        + (f" — driven by {escape(', '.join(s.top_terms))}" if s.top_terms else "")
        + (f"<ol>{''.join(_post(p) for p in s.top_posts)}</ol>" if s.top_posts else "")
        + "</li>"
        for s in spikes
    ]
    body = (
        f'<ol class="spikes">{"".join(items)}</ol>'
        if items
        else '<p class="muted">No spikes: every volume stayed within its usual range.</p>'
    )
    return f"<section><h2>Top spikes and their posts</h2>{body}</section>"


def _voice(voice: pd.DataFrame, image: Image | None) -> str:
    if voice.empty or voice["mentions"].sum() <= 0:
        return '<section><h2>Share of voice</h2><p class="muted">No show mentioned.</p></section>'
    rows = "".join(
        f"<tr><td>{escape(str(r.name))}</td><td class='num'>{r.mentions:,}</td>"
        f"<td class='num'>{0 if pd.isna(r.share_pct) else r.share_pct:.1f}%</td></tr>"
        for r in voice.itertuples(index=False)
    )
    return (
        '<section><h2>Share of voice</h2><div class="split">'
        f"<figure>{_img(image)}</figure>"
        '<table class="voice"><thead><tr><th>Show</th><th>Mentions</th><th>Share</th></tr>'
        f"</thead><tbody>{rows}</tbody></table></div></section>"
    )


def _terms(terms: pd.DataFrame) -> str:
    if terms.empty:
        return (
            '<section><h2>Rising terms</h2><p class="muted">No term rose against the period '
            "before.</p></section>"
        )
    rows = "".join(
        f"<tr><td>{escape(str(r.term))}</td><td class='num'>{r.count:,}</td>"
        f"<td class='num'>{r.baseline_count:,}</td></tr>"
        for r in terms.itertuples(index=False)
    )
    return (
        '<section><h2>Rising terms</h2><table class="terms"><thead><tr><th>Term</th>'
        "<th>Uses</th><th>Before</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )
