"""Matching precision and recall per entity kind on the labelled sets, and its speed.

Run as ``python -m bench.matching_eval`` (or ``make bench``). Sets, in
``bench/matching_sets/``: ``dev.jsonl`` (rules are tuned on it) and ``sealed.jsonl`` (never
tuned on; only its totals are read). Each (post, entity) pair is one decision: a found
pair that is not expected is a false positive, an expected one not found a false negative.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analytics.core.config import load_config
from collector.matching import Matcher

REPO = Path(__file__).resolve().parent.parent
SETS = REPO / "bench" / "matching_sets"
DEV = SETS / "dev.jsonl"
SEALED = SETS / "sealed.jsonl"
KINDS = ("show", "person", "character", "ship")
GOAL_KINDS = ("show", "person")
GOAL_PRECISION = 0.97
GOAL_RECALL = 0.95
SPEED_POSTS = 20_000
SPEED_ROUNDS = 5


@dataclass(frozen=True, slots=True)
class Labelled:
    id: str
    lang: str
    show: str | None
    text: str
    expected: frozenset[str]


def load_set(path: Path) -> list[Labelled]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            rows.append(
                Labelled(
                    raw["id"], raw["lang"], raw["show"], raw["text"], frozenset(raw["expected"])
                )
            )
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{path}:{number}: not a labelled post: {exc}") from None
    return rows


def found(matcher: Matcher, post: Labelled) -> set[str]:
    """Entity ids of the labelled kinds that the matcher links to the post."""
    return {
        m.entity_id
        for m in matcher.match(post.text, show=post.show)
        if m.entity_id.split(":", 1)[0] in KINDS
    }


def score(matcher: Matcher, posts: Sequence[Labelled]) -> dict[str, dict[str, Any]]:
    """Precision and recall per kind, with the counts behind them."""
    counts = {kind: {"tp": 0, "fp": 0, "fn": 0} for kind in KINDS}
    for post in posts:
        got = found(matcher, post)
        for entity_id in got | post.expected:
            kind = entity_id.split(":", 1)[0]
            if entity_id in got and entity_id in post.expected:
                counts[kind]["tp"] += 1
            elif entity_id in got:
                counts[kind]["fp"] += 1
            else:
                counts[kind]["fn"] += 1
    result: dict[str, dict[str, Any]] = {}
    for kind, c in counts.items():
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        result[kind] = {
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            **c,
        }
    return result


def goals_met(figures: dict[str, dict[str, Any]]) -> bool:
    return all(
        (figures[kind]["precision"] or 0) >= GOAL_PRECISION
        and (figures[kind]["recall"] or 0) >= GOAL_RECALL
        for kind in GOAL_KINDS
    )


def demo_like_posts(count: int, seed: int = 7) -> list[str]:
    """Posts shaped like the demo's: fan chatter with names, titles, emoji and hashtags."""
    from bench.ingest import _ENDINGS, _FOLLOW_UPS, _OPENINGS, _SUBJECTS

    rng = random.Random(seed)
    return [
        f"{rng.choice(_OPENINGS)} {rng.choice(_SUBJECTS)} {rng.choice(_ENDINGS)} "
        f"{rng.choice(_FOLLOW_UPS) if rng.random() < 0.5 else ''}"
        for _ in range(count)
    ]


def microseconds_per_post(matcher: Matcher, texts: Sequence[str]) -> float:
    best = float("inf")
    for _ in range(SPEED_ROUNDS):
        start = time.perf_counter()
        for text in texts:
            matcher.match(text)
        best = min(best, time.perf_counter() - start)
    return round(best / len(texts) * 1e6, 2)


def evaluate() -> dict[str, Any]:
    matcher = Matcher(load_config(REPO / "config" / "fanpulse.toml").watchlist)
    result: dict[str, Any] = {}
    for name, path in (("dev", DEV), ("sealed", SEALED)):
        posts = load_set(path)
        figures = score(matcher, posts)
        result[name] = {"posts": len(posts), **figures, "goal_met": goals_met(figures)}
    result["us_per_post"] = microseconds_per_post(matcher, demo_like_posts(SPEED_POSTS))
    return result


def table(result: dict[str, Any]) -> str:
    goal = f"goal for {' and '.join(GOAL_KINDS)}: precision >= {GOAL_PRECISION}, "
    goal += f"recall >= {GOAL_RECALL}"
    lines = [goal, f"{'set':<8}{'kind':<11}{'precision':>10}{'recall':>8}  tp/fp/fn"]
    for name in ("dev", "sealed"):
        for kind in KINDS:
            f = result[name][kind]
            lines.append(
                f"{name:<8}{kind:<11}{f['precision']!s:>10}{f['recall']!s:>8}"
                f"  {f['tp']}/{f['fp']}/{f['fn']}"
            )
        lines.append(f"{name:<8}{'goal met':<11}{result[name]['goal_met']!s:>10}")
    lines.append(f"matching speed: {result['us_per_post']} µs a post on demo-like posts")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(evaluate()))
