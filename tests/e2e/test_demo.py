"""`fanpulse demo` builds a consistent, lively database; `trends` and alerts read it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analytics.core.config import AppConfig, load_config
from analytics.store import run_query
from fanpulse.demo import build_demo
from tests.conftest import REPO
from tests.e2e.test_cli import fanpulse
from tests.support.feedserver import FeedServer, Reply

END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[AppConfig, Path]:
    config = load_config(REPO / "config" / "fanpulse.toml")
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    summary = build_demo(config, path, posts=40_000, end=END)
    assert summary.posts == 40_000
    return config, path


def one(path: Path, sql: str) -> object:
    return run_query(path, sql)[1][0][0]


def test_every_mention_is_what_the_matcher_finds_in_the_text(
    demo: tuple[AppConfig, Path],
) -> None:
    config, path = demo
    from collector.matching import Matcher

    matcher = Matcher(config.watchlist)
    sample = run_query(
        path,
        "SELECT post_id, coalesce(title || chr(10), '') || text FROM posts "
        "USING SAMPLE 300 ROWS (reservoir, 3)",
    )[1]
    for post_id, text in sample:
        stored = {
            (e, m)
            for e, m in run_query(
                path, "SELECT entity_id, matched FROM mentions WHERE post_id = ?", [post_id]
            )[1]
        }
        assert stored == {(m.entity_id, m.matched) for m in matcher.match(text)}, text
    assert (
        one(path, "SELECT count(*) FROM posts WHERE post_id NOT IN (SELECT post_id FROM mentions)")
        == 0
    )
    assert (
        one(
            path,
            "SELECT count(*) FROM mentions WHERE entity_id NOT IN (SELECT entity_id FROM entities)",
        )
        == 0
    )


def test_it_looks_like_the_fandoms_it_follows(demo: tuple[AppConfig, Path]) -> None:
    _, path = demo
    shows = run_query(
        path,
        "SELECT entity_id FROM mentions WHERE entity_id LIKE 'show:%' "
        "GROUP BY 1 ORDER BY count(*) DESC",
    )[1]
    assert [s[0] for s in shows[:2]] == ["show:heartstopper", "show:young-royals"]
    cast = run_query(
        path,
        "SELECT m.entity_id FROM mentions m JOIN entities e USING (entity_id) "
        "WHERE e.kind = 'person' AND e.show_id = 'heartstopper' "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 2",
    )[1]
    assert {c[0] for c in cast} == {"person:kit-connor", "person:joe-locke"}
    # Season 3's premiere day dwarfs an ordinary day a month earlier.
    premiere = one(
        path,
        "SELECT posts FROM daily_mentions WHERE entity_id = "
        "'show:heartstopper' AND day = DATE '2024-10-03'",
    )
    before = one(
        path,
        "SELECT median(posts) FROM daily_mentions WHERE entity_id = "
        "'show:heartstopper' AND day BETWEEN DATE '2024-08-20' AND DATE '2024-09-20'",
    )
    assert premiere >= 3 * before  # type: ignore[operator]
    kinds = {r[0] for r in run_query(path, "SELECT DISTINCT post_kind FROM posts")[1]}
    assert kinds == {"article", "post", "comment", "fanwork", "video"}
    assert one(path, "SELECT count(*) FROM attention") > 0  # type: ignore[operator]
    assert one(path, "SELECT count(*) FROM alerts WHERE kind = 'spike'") >= 1  # type: ignore[operator]
    assert one(path, "SELECT count(*) FROM source_state WHERE consecutive_failures > 0") == 1


def test_the_last_hours_are_spread_out_not_piled_on_the_build_instant(
    demo: tuple[AppConfig, Path],
) -> None:
    _, path = demo
    # Every post was written and collected before the build, none at or after it.
    assert one(path, "SELECT max(created_at) FROM posts") < END  # type: ignore[operator]
    assert one(path, "SELECT max(collected_at) FROM posts") <= END  # type: ignore[operator]
    assert one(path, "SELECT count(*) FROM posts WHERE collected_at < created_at") == 0
    for column in ("created_at", "collected_at"):
        busiest = run_query(
            path,
            f"SELECT {column}, count(*) AS n FROM posts "
            f"WHERE {column} >= ? GROUP BY 1 ORDER BY n DESC LIMIT 1",
            [END - timedelta(days=1)],
        )[1]
        assert busiest[0][1] <= 3, (column, busiest)
    # The last day is a partial day: its volume before noon is well below a full day's.
    midnight = END.replace(hour=0)
    count_between = "SELECT count(*) FROM posts WHERE created_at >= ? AND created_at < ?"
    last_day = run_query(path, count_between, [midnight, END])[1][0][0]
    day_before = run_query(path, count_between, [midnight - timedelta(days=1), midnight])[1][0][0]
    assert 0 < last_day < day_before


def test_it_never_overwrites_without_being_asked(
    demo: tuple[AppConfig, Path], tmp_path: Path
) -> None:
    config, path = demo
    with pytest.raises(FileExistsError):
        build_demo(config, path, posts=2_000, end=END)
    with pytest.raises(ValueError, match="never writes over the collected database"):
        build_demo(config, config.database_path, posts=2_000, overwrite=True)


def test_trends_prints_the_headline_figures(
    demo: tuple[AppConfig, Path], make_config: Callable[..., Path]
) -> None:
    _, path = demo
    config = make_config(
        [], database=path, extra='events = "' + str(REPO / "config" / "events.toml") + '"'
    )
    result = fanpulse(config, "trends", "--entity", "show:heartstopper", "--days", "30")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Heartstopper, incl. cast and characters (show:heartstopper)" in out
    assert "Mentions" in out and "Share of voice" in out
    # The demo's trailer, twelve days before its end, is the spike, explained by its term.
    trailer_day = (END - timedelta(days=12)).date().isoformat()
    assert trailer_day in out and "trailer" in out
    unknown = fanpulse(config, "trends", "--entity", "show:nope")
    assert unknown.returncode == 2 and "no entity 'show:nope'" in unknown.stderr


def test_alert_check_sends_the_recent_spike_once(
    demo: tuple[AppConfig, Path],
    make_config: Callable[..., Path],
    feed_server: FeedServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, source = demo
    path = tmp_path / "copy.duckdb"
    path.write_bytes(source.read_bytes())
    hook = feed_server.route("/hook", Reply(status=200, body=b"ok"))
    monkeypatch.setenv("FANPULSE_WEBHOOKS", hook)
    config = make_config([], database=path)
    # The demo recorded its spikes as alerts, undelivered: the first check sends them.
    first = fanpulse(config, "alerts", "--check")
    assert first.returncode == 0, first.stderr
    sent = [json.loads(hit.body)["text"] for hit in feed_server.hits("/hook")]
    assert any("Spike in mentions of Heartstopper" in text for text in sent)
    assert all("trailer" in text for text in sent if "Heartstopper (" in text)
    again = fanpulse(config, "alerts", "--check")
    assert again.returncode == 0
    assert len(feed_server.hits("/hook")) == len(sent)  # nothing sent twice


def test_day_counts_add_up_exactly_and_follow_the_weights() -> None:
    from fanpulse.demo import _largest_remainder

    assert _largest_remainder([1.0, 1.0, 1.0], 10) == [4, 3, 3]
    assert _largest_remainder([0.5, 0.25, 0.25, 0.0], 7) == [3, 2, 2, 0]  # 3.5, 1.75, 1.75
    counts = _largest_remainder([3.3, 0.1, 2.2, 4.4], 1_000_003)
    assert sum(counts) == 1_000_003
    assert [round(c / 1_000_003, 4) for c in counts] == [0.33, 0.01, 0.22, 0.44]


def test_recent_posts_have_grown_and_their_history_ends_at_their_counts(
    demo: tuple[AppConfig, Path],
) -> None:
    from analytics.queries.velocity import rising_posts
    from analytics.store import connect

    _, path = demo
    ended_elsewhere = one(
        path,
        """
        SELECT count(*) FROM posts p JOIN (
            SELECT post_id, arg_max(struct_pack(likes := likes, shares := shares,
                   replies := replies, score := score, views := views), observed_at) AS last
            FROM engagement_history GROUP BY 1) h USING (post_id)
        WHERE h.last IS DISTINCT FROM struct_pack(likes := p.likes, shares := p.shares,
              replies := p.replies, score := p.score, views := p.views)
        """,
    )
    assert ended_elsewhere == 0
    assert one(path, "SELECT max(observed_at) FROM engagement_history") < END  # type: ignore[operator]
    with connect(path, read_only=True) as con:
        rising = rising_posts(con, END - timedelta(hours=24), END, limit=10)
    assert len(rising) == 10 and (rising["gained_per_hour"] > 0).all()
    assert list(rising["gained_per_hour"]) == sorted(rising["gained_per_hour"], reverse=True)
