"""Spike alerts as a marketer receives them: one per event, hourly when it matters, linked.

Every scenario is stored through the real write path in a DuckDB file and checked through
``find_alerts`` (what the collector runs) and ``deliver`` to a loopback webhook.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from analytics.core.config import AppConfig, load_config
from analytics.core.models import Mention, Post, RunBatch, RunRecord, ScoredPost, Sentiment
from analytics.queries.alerts import Alert, AlertLink, spike_group_alert
from analytics.queries.spike_groups import SpikeGroup, group_spikes
from analytics.store import prepare_database, run_query, save_batches
from collector.alert_messages import payload
from collector.alerts import deliver, find_alerts
from tests.support.feedserver import FeedServer, Reply

TRAILER_DAY = datetime(2026, 11, 24, tzinfo=UTC)
SHOW = "show:heartstopper"
PEOPLE = ["person:kit-connor", "person:joe-locke", "person:yasmin-finney", "person:alice-oseman"]
NAMES = ["Heartstopper", "Kit Connor", "Joe Locke", "Yasmin Finney", "Alice Oseman"]


class Corpus:
    """Posts, each mentioning the entities given, saved through ``save_batches``."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.count = 0

    def add(self, entity_id: str, times: list[datetime], topic: str = "chat") -> None:
        posts = []
        for at in times:
            self.count += 1
            post = Post(
                post_id=f"test:{self.count}",
                source="bluesky",
                source_name="bluesky",
                channel="heartstopper",
                url=f"https://example.com/{topic}/{self.count}",
                author=f"fan{self.count % 17}",
                title=None,
                text=f"{topic} post {self.count} about {entity_id}",
                lang="en",
                created_at=at,
                likes=self.count if topic == "trailer" else 0,
            )
            sentiment = Sentiment(0.5, 0.5, "positive", "test")
            mention = Mention(post.post_id, entity_id, entity_id)
            posts.append(ScoredPost(post, sentiment, f"h{self.count}", [mention]))
        run = RunRecord("bluesky", "bluesky", "heartstopper", times[0], times[0], "ok", 0, 0)
        save_batches(self.db, [RunBatch(run=run, posts=posts, states=[])])


def spread(day: datetime, count: int, first_hour: int = 0, hours: int = 24) -> list[datetime]:
    """``count`` moments spread evenly over ``hours`` hours of ``day`` from ``first_hour``."""
    step = hours * 3600 / count
    return [day + timedelta(hours=first_hour, seconds=int(i * step)) for i in range(count)]


def setup(make_config: Callable[..., Path], extra: str = "") -> tuple[AppConfig, Corpus]:
    config = load_config(make_config([], extra=extra))
    prepare_database(config.database_path, config.watchlist.entities())
    return config, Corpus(config.database_path)


def daily_baseline(corpus: Corpus, days: int = 20) -> None:
    """Twenty ordinary days: the show 4 posts a day, each of four people 2."""
    first = [TRAILER_DAY - timedelta(days=d) for d in range(days, 0, -1)]
    corpus.add(SHOW, [t for day in first for t in spread(day, 4)])
    for person in PEOPLE:
        corpus.add(person, [t for day in first for t in spread(day, 2)])


def stored_spikes(config: AppConfig) -> list[tuple]:
    return run_query(
        config.database_path,
        "SELECT alert_id, entity_ids, bucket, happened_at FROM alerts WHERE kind = 'spike' "
        "ORDER BY alert_id",
    )[1]


def send_all(config: AppConfig) -> tuple[int, int]:
    async def run() -> tuple[int, int]:
        async with httpx.AsyncClient() as client:
            return await deliver(config, client)

    return asyncio.run(run())


def test_a_trailer_is_one_alert_naming_the_show_and_its_people_with_linked_posts(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = feed_server.route("/hooks/team", Reply(status=200, body=b"ok"))
    monkeypatch.setenv("FANPULSE_WEBHOOKS", hook)
    config, corpus = setup(make_config)
    daily_baseline(corpus)
    # The trailer: the show and its four people all spike on the same day.
    corpus.add(SHOW, spread(TRAILER_DAY, 40, 17, 4), topic="trailer")
    for person in PEOPLE:
        corpus.add(person, spread(TRAILER_DAY, 25, 17, 4), topic="trailer")

    new = find_alerts(config, TRAILER_DAY + timedelta(hours=21, minutes=30))

    assert [a.kind for a in new] == ["spike"]  # not five
    alert = new[0]
    assert alert.alert_id == f"spike:{SHOW}:{TRAILER_DAY.isoformat()}"
    assert alert.entity_ids[0] == SHOW and set(alert.entity_ids) == {SHOW, *PEOPLE}
    assert all(name in alert.title for name in NAMES)
    assert "Kit Connor: 25 posts vs a usual 2" in alert.message
    # The most engaging posts behind it, across its members (each brings its top 3; likes
    # are a post's number, so Alice Oseman's are the top three, then Yasmin Finney's).
    newest = corpus.count
    assert [link.url for link in alert.links] == [
        f"https://example.com/trailer/{n}"
        for n in (newest, newest - 1, newest - 2, newest - 25, newest - 26)
    ]
    assert send_all(config) == (1, 0)
    assert send_all(config) == (0, 0)  # sent once
    (hit,) = feed_server.hits("/hooks/team")
    body = json.loads(hit.body)
    url = f"https://example.com/trailer/{newest}"
    assert f"<{url}|trailer post {newest} about person:alice-oseman>" in body["text"]  # Slack
    assert f"[trailer post {newest} about person:alice-oseman](<{url}>)" in body["content"]
    assert body["alert"]["entities"] == list(alert.entity_ids)
    assert body["alert"]["posts"][0] == {
        "title": f"trailer post {newest} about person:alice-oseman",
        "url": url,
    }
    assert body["allowed_mentions"] == {"parse": []}


def test_a_member_spiking_later_in_the_same_bucket_joins_the_alert_and_is_not_sent_again(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = feed_server.route("/hooks/team", Reply(status=200, body=b"ok"))
    monkeypatch.setenv("FANPULSE_WEBHOOKS", hook)
    config, corpus = setup(make_config)
    daily_baseline(corpus)
    corpus.add(SHOW, spread(TRAILER_DAY, 40, 17, 2), topic="trailer")
    corpus.add(PEOPLE[0], spread(TRAILER_DAY, 25, 17, 2), topic="trailer")
    first = find_alerts(config, TRAILER_DAY + timedelta(hours=19, minutes=5))
    assert [a.entity_ids for a in first] == [(SHOW, PEOPLE[0])]
    assert send_all(config) == (1, 0)

    # Joe Locke catches up two hours later, in the same day: the same event.
    corpus.add(PEOPLE[1], spread(TRAILER_DAY, 25, 19, 2), topic="trailer")
    later = find_alerts(config, TRAILER_DAY + timedelta(hours=21, minutes=5))
    again = find_alerts(config, TRAILER_DAY + timedelta(hours=22))

    assert later == [] and again == []
    assert stored_spikes(config) == [
        (first[0].alert_id, [SHOW, PEOPLE[0], PEOPLE[1]], "day", TRAILER_DAY)
    ]
    assert send_all(config) == (0, 0)
    assert len(feed_server.hits("/hooks/team")) == 1


# --- hourly -----------------------------------------------------------------------------

EVENINGS = [20, 60, 30, 90, 40, 70, 25]  # posts at 20:00 UTC, day by day: fans' prime time
NIGHT = range(2, 6)  # no posts from 02:00 to 06:00


def hourly_baseline(corpus: Corpus, until: datetime) -> None:
    """Fifteen days: 2 posts an hour, none at night, a busy, varying evening hour."""
    times: list[datetime] = []
    hour = TRAILER_DAY - timedelta(days=15)
    while hour < until:
        if hour.hour == 20:
            count = EVENINGS[(hour - TRAILER_DAY).days % len(EVENINGS)]
        else:
            count = 0 if hour.hour in NIGHT else 2
        times += spread(hour, count, 0, 1) if count else []
        hour += timedelta(hours=1)
    corpus.add(SHOW, times)


def test_an_evening_trailer_is_alerted_that_evening_by_the_hour(
    make_config: Callable[..., Path],
) -> None:
    config, corpus = setup(make_config)
    hourly_baseline(corpus, TRAILER_DAY + timedelta(hours=19))
    corpus.add(SHOW, spread(TRAILER_DAY + timedelta(hours=4), 6, 0, 1))  # 4 am: 0 -> 6 posts
    # Nothing at 4 am is news: 6 posts are under the hourly minimum of 15.
    assert find_alerts(config, TRAILER_DAY + timedelta(hours=5, minutes=30)) == []

    corpus.add(SHOW, spread(TRAILER_DAY + timedelta(hours=19), 60, 0, 0.75), topic="trailer")
    new = find_alerts(config, TRAILER_DAY + timedelta(hours=19, minutes=50))

    # The day as a whole is within its (varying) usual range: only the hour shows it.
    assert [(a.bucket, a.happened_at, a.entity_ids) for a in new] == [
        ("hour", TRAILER_DAY + timedelta(hours=19), (SHOW,))
    ]
    assert new[0].title == "📈 Hourly spike in mentions of Heartstopper (2026-11-24 19:00 UTC)"
    assert new[0].alert_id.endswith(":hour")
    assert "60 posts vs a usual 2" in new[0].message

    # An ordinary busy evening (20:00, 40 posts) is not a spike against earlier evenings.
    corpus.add(SHOW, spread(TRAILER_DAY + timedelta(hours=20), 40, 0, 1))
    assert find_alerts(config, TRAILER_DAY + timedelta(hours=20, minutes=59)) == []


def test_hourly_settings_come_from_the_config(make_config: Callable[..., Path]) -> None:
    extra = "[alerts.hourly]\nspike_min_posts = 5\nspike_z = 4.5\nbaseline_days = 7\n"
    config, corpus = setup(make_config, extra)
    hourly_baseline(corpus, TRAILER_DAY + timedelta(hours=4))
    corpus.add(SHOW, spread(TRAILER_DAY + timedelta(hours=4), 6, 0, 0.4))  # 04:00-04:24
    # With a minimum of 5 posts, the same 6 posts at 4 am are a spike.
    new = find_alerts(config, TRAILER_DAY + timedelta(hours=4, minutes=30))
    assert [(a.bucket, a.happened_at) for a in new] == [("hour", TRAILER_DAY + timedelta(hours=4))]
    off = setup(make_config, "[alerts.hourly]\nenabled = false\n")[0]
    assert off.alerts.hourly.enabled is False and config.alerts.hourly.baseline_days == 7


# --- grouping rules and message formats --------------------------------------------------


@dataclass
class FakeSpike:
    entity_id: str
    name: str
    bucket: datetime = TRAILER_DAY
    posts: int = 50
    baseline: float = 5.0
    z: float = 8.0
    top_terms: list[str] = field(default_factory=list)
    top_posts: list[object] = field(default_factory=list)


def test_a_person_of_several_shows_goes_with_the_show_that_spiked() -> None:
    memberships = {
        "show:alpha": ("show:alpha",),
        "show:beta": ("show:beta",),
        "person:pat": ("show:alpha", "show:beta"),  # listed under alpha first
        "person:bo": ("show:beta",),
    }
    beta_day = [FakeSpike("show:beta", "Beta"), FakeSpike("person:pat", "Pat", z=9.0)]
    groups = group_spikes(beta_day, "day", memberships)
    assert [(g.key, g.entity_ids) for g in groups] == [("show:beta", ("show:beta", "person:pat"))]
    # Without either show: with a co-spiking member of one of them, else the first listed.
    with_bo = group_spikes(
        [FakeSpike("person:pat", "Pat"), FakeSpike("person:bo", "Bo")], "day", memberships
    )
    assert [(g.key, g.entity_ids) for g in with_bo] == [("show:beta", ("person:bo", "person:pat"))]
    alone = group_spikes([FakeSpike("person:pat", "Pat")], "day", memberships)
    assert [g.key for g in alone] == ["show:alpha"]
    # A theme (no show) is its own alert.
    theme = group_spikes([FakeSpike("theme:renewal", "Renewal")], "day", memberships)
    assert [g.alert_id for g in theme] == [f"spike:theme:renewal:{TRAILER_DAY.isoformat()}"]


def test_untrusted_post_titles_cannot_break_or_fake_links_in_any_format() -> None:
    @dataclass
    class Hostile:
        post_id: str
        title: str
        url: str
        engagement: int

    posts = [
        Hostile(
            "a", "<!channel> | [click](https://evil.example) *bold*", "https://x.example/a?b=1|2", 9
        ),
        Hostile("b", "javascript link", "javascript:alert(1)", 8),
        Hostile("c", "ok", "https://x.example/c", 7),
    ]
    spike = FakeSpike(SHOW, "Heartstopper", top_posts=posts, top_terms=["<@here>"])
    alert = spike_group_alert(SpikeGroup(SHOW, "day", TRAILER_DAY, (spike,)))
    assert [link.url for link in alert.links] == [
        "https://x.example/a?b=1|2",
        "https://x.example/c",
    ]
    assert "• javascript link" in alert.message  # quoted, not linked
    body = payload(alert)
    slack, discord = body["text"], body["content"]
    hostile_url = "https://x.example/a?b=1%7C2"
    assert f"<{hostile_url}|&lt;!channel&gt; ¦ [click](https://evil.example) *bold*>" in slack
    assert "<!channel>" not in slack and "<@here>" not in slack
    assert "javascript:" not in slack and "javascript:" not in discord
    label = "\\<!channel\\> \\| \\[click\\](https://evil.example) \\*bold\\*"
    assert f"[{label}](<{hostile_url}>)" in discord
    assert "[ok](<https://x.example/c>)" in discord


def test_a_long_alert_keeps_whole_links_within_discords_limit() -> None:
    links = tuple(AlertLink(f"post {i} " + "x" * 300, f"https://x.example/{i}") for i in range(5))
    alert = Alert("id", "spike", TRAILER_DAY, "📈 Spike", "y" * 800, links=links)
    for text in (payload(alert)["text"], payload(alert)["content"]):
        assert len(text) <= 1900
        assert text.count("https://x.example/") == text.count("• ")  # no link cut in half
        assert "https://x.example/0" in text
