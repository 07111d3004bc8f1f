"""Rescoring stored posts: stale ones only, in committed batches, by the scorer passed in."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from analytics.core.models import Entity, Post, RunBatch, RunRecord, ScoredPost, Sentiment
from analytics.sentiment import SCORER_VERSION, score_posts, score_text, scored_text
from analytics.store import connect, prepare_database, save_batches
from analytics.store.rescore import rescore as rescore_posts
from tests.analytics.sentiment.test_sentiment import NOW, _post


def rescore(path: Path, **options: object) -> int:
    """The rescore ``fanpulse rescore`` runs: the real scorer and its version."""
    return rescore_posts(path, score=score_posts, version=SCORER_VERSION, **options)  # type: ignore[arg-type]


STALE = Sentiment(0.0, 0.0, "neutral", "vader-3.3.2")


def _store(path: Path, posts: list[tuple[Post, Sentiment]]) -> None:
    prepare_database(path, [Entity("show:heartstopper", "show", "Heartstopper", None)])
    run = RunRecord("test-feed", "rss", "http://127.0.0.1/feed", NOW, NOW, "ok", len(posts), 0)
    scored = [ScoredPost(p, s, f"hash-{p.post_id}") for p, s in posts]
    save_batches(path, [RunBatch(run, scored, [])])


def _stored(path: Path) -> dict[str, tuple[float, float, str, str]]:
    with connect(path, read_only=True) as con:
        rows = con.execute(
            "SELECT post_id, vader_compound, sentiment, sentiment_label, sentiment_version "
            "FROM posts"
        ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


TEXTS = [
    ("Heartstopper finale", "I'm screaming 😭"),
    (None, "this season is mid"),
    ("News", "Season 4 has not been confirmed"),
    (None, "they ate and left no crumbs"),
    ("Cancelled", "I'm crying because they cancelled it"),
]


def test_rescore_updates_stale_posts_in_batches(tmp_path: Path) -> None:
    db = tmp_path / "fanpulse.duckdb"
    current = Sentiment(0.123, 0.456, "positive", SCORER_VERSION)  # must stay untouched
    posts = [(_post(f"rss:{i}", title, text), STALE) for i, (title, text) in enumerate(TEXTS)]
    posts.append((_post("rss:current", None, "I hate this"), current))
    _store(db, posts)

    calls: list[tuple[int, int]] = []
    assert rescore(db, batch_size=2, progress=lambda done, total: calls.append((done, total))) == 5
    assert calls == [(2, 5), (4, 5), (5, 5)]

    stored = _stored(db)
    for post, _ in posts[:-1]:
        expected = score_text(scored_text(post.title, post.text))
        assert stored[post.post_id] == (
            expected.vader_compound,
            expected.sentiment,
            expected.label,
            SCORER_VERSION,
        )
    assert stored["rss:0"][2] == "positive"  # the fan idiom, read as delight
    assert stored["rss:4"][2] == "negative"
    assert stored["rss:current"] == (0.123, 0.456, "positive", SCORER_VERSION)
    assert rescore(db) == 0


def test_rescore_commits_each_batch_on_its_own(tmp_path: Path) -> None:
    db = tmp_path / "fanpulse.duckdb"
    _store(db, [(_post(f"rss:{i}", title, text), STALE) for i, (title, text) in enumerate(TEXTS)])

    def stop_after_first_batch(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rescore(db, batch_size=2, progress=stop_after_first_batch)
    versions = sorted(v[3] for v in _stored(db).values())
    assert versions.count(SCORER_VERSION) == 2
    assert rescore(db, batch_size=2) == 3
    assert {v[3] for v in _stored(db).values()} == {SCORER_VERSION}


def test_rescore_rejects_an_empty_batch_size(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        rescore(tmp_path / "fanpulse.duckdb", batch_size=0)


def test_rescore_stores_what_the_given_scorer_says_under_its_version(tmp_path: Path) -> None:
    db = tmp_path / "fanpulse.duckdb"
    _store(db, [(_post(f"rss:{i}", title, text), STALE) for i, (title, text) in enumerate(TEXTS)])
    seen: list[tuple[str | None, str]] = []

    def by_length(posts: Sequence[tuple[str | None, str]]) -> list[Sentiment]:
        seen.extend(posts)
        return [Sentiment(0.0, len(text) / 100, "neutral", "length-1") for _, text in posts]

    assert rescore_posts(db, score=by_length, version="length-1") == len(TEXTS)
    assert sorted(seen, key=str) == sorted(TEXTS, key=str)
    assert {post_id: v[1:] for post_id, v in _stored(db).items()} == {
        f"rss:{i}": (len(text) / 100, "neutral", "length-1") for i, (_, text) in enumerate(TEXTS)
    }
    assert rescore_posts(db, score=by_length, version="length-1") == 0


def test_a_scorer_that_reports_another_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "fanpulse.duckdb"
    _store(db, [(_post("rss:0", None, "mid"), STALE)])

    def other(posts: Sequence[tuple[str | None, str]]) -> list[Sentiment]:
        return [Sentiment(0.0, 0.0, "neutral", "other-2") for _ in posts]

    with pytest.raises(ValueError, match="length-1"):
        rescore_posts(db, score=other, version="length-1")
    assert _stored(db)["rss:0"][3] == STALE.version
