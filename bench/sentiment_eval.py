"""How the fandom sentiment layer compares with plain VADER: accuracy, agreement, speed.

Run as ``python -m bench.sentiment_eval``. Data sets, each skipped with a note when absent:

- the fandom dev set, ``../shared/data/fandom_sentiment_dev.tsv`` (rules are tuned on it);
- "tuning (heldout-1)", ``tests/fixtures/sentiment/fandom_heldout.tsv``: held out until
  fandom-1, tuning data since fandom-2;
- the final test set, ``tests/fixtures/sentiment/fandom_test.tsv`` (never tuned on);
- VADER's tweet ground truth, ``../shared/data/vader_tweets_ground_truth.tsv``: the layer must
  not cost general-text agreement (Pearson r with the human mean rating).

:func:`evaluate` returns the figures as a dict for bigger benchmark reports.
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analytics.sentiment import SCORER_VERSION, label_for, score_text

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
DEV = SHARED_DATA / "fandom_sentiment_dev.tsv"
HELDOUT = REPO / "tests" / "fixtures" / "sentiment" / "fandom_heldout.tsv"
FINAL_TEST = REPO / "tests" / "fixtures" / "sentiment" / "fandom_test.tsv"
TWEETS = SHARED_DATA / "vader_tweets_ground_truth.tsv"

LABELS = ("positive", "neutral", "negative")
# Labelled fandom sets: result key, name in the table, file.
LABELLED_SETS = (
    ("dev", "dev", DEV),
    ("heldout", "tuning (heldout-1)", HELDOUT),
    ("test", "final test", FINAL_TEST),
)
# Enough posts that a timing is ~0.5 s, long against timer noise; best of a few rounds, the
# two scorers taking turns so that a busy machine slows both alike.
THROUGHPUT_POSTS = 20_000
THROUGHPUT_ROUNDS = 5


def load_labelled(path: Path) -> list[tuple[str, str]]:
    """(label, text) rows of a ``label<TAB>text`` file with a header line."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    pairs = [(row[0].strip(), row[1]) for row in rows[1:] if len(row) >= 2]
    unknown = {label for label, _ in pairs} - set(LABELS)
    if unknown:
        raise ValueError(f"{path}: unknown labels {sorted(unknown)}")
    return pairs


def load_tweets(path: Path) -> list[tuple[float, str]]:
    """(mean human rating, text) rows of VADER's ``id<TAB>rating<TAB>text`` ground truth."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(float(row[1]), row[2]) for row in rows if len(row) >= 3]


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Unweighted mean of per-class F1 over the classes seen in either list."""
    pairs = list(zip(gold, predicted, strict=True))
    scores = []
    for label in sorted(set(gold) | set(predicted)):
        tp = sum(g == label and p == label for g, p in pairs)
        fp = sum(g != label and p == label for g, p in pairs)
        fn = sum(g == label and p != label for g, p in pairs)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    return cov / math.sqrt(var_x * var_y)


def classify(rows: Sequence[tuple[str, str]]) -> dict[str, Any]:
    gold = [label for label, _ in rows]
    scores = [score_text(text) for _, text in rows]
    plain = [label_for(s.vader_compound) for s in scores]
    fandom = [s.label for s in scores]
    return {
        "n": len(rows),
        "plain": {"accuracy": accuracy(gold, plain), "macro_f1": macro_f1(gold, plain)},
        "fandom": {"accuracy": accuracy(gold, fandom), "macro_f1": macro_f1(gold, fandom)},
    }


def correlate(rows: Sequence[tuple[float, str]]) -> dict[str, Any]:
    human = [rating for rating, _ in rows]
    scores = [score_text(text) for _, text in rows]
    return {
        "n": len(rows),
        "plain_r": pearson(human, [s.vader_compound for s in scores]),
        "fandom_r": pearson(human, [s.sentiment for s in scores]),
    }


def _seconds(score: Callable[[str], object], texts: Sequence[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        score(text)
    return time.perf_counter() - start


def throughput(texts: Sequence[str]) -> dict[str, Any]:
    """Plain vaderSentiment against :func:`score_text` on the same posts, in this process."""
    repeated = list(texts) * math.ceil(THROUGHPUT_POSTS / len(texts))
    analyzer = SentimentIntensityAnalyzer()
    score_text(repeated[0])  # builds the layer outside the timing
    best_vader = best_layered = math.inf
    for _ in range(THROUGHPUT_ROUNDS):
        best_vader = min(best_vader, _seconds(analyzer.polarity_scores, repeated))
        best_layered = min(best_layered, _seconds(score_text, repeated))
    vader = len(repeated) / best_vader
    layered = len(repeated) / best_layered
    return {
        "posts": len(repeated),
        "vader_per_s": vader,
        "score_text_per_s": layered,
        "cost_ratio": vader / layered,  # score_text's time per post over VADER's
    }


def evaluate() -> dict[str, Any]:
    """Every figure the printed table shows; absent data sets are listed under ``skipped``."""
    result: dict[str, Any] = {"scorer_version": SCORER_VERSION, "skipped": []}
    texts: list[str] = []
    for name, _, path in LABELLED_SETS:
        if not path.exists():
            result["skipped"].append(f"{name}: {path} not found")
            continue
        rows = load_labelled(path)
        result[name] = classify(rows)
        texts += [text for _, text in rows]
    if TWEETS.exists():
        result["tweets"] = correlate(load_tweets(TWEETS))
    else:
        result["skipped"].append(f"tweets: {TWEETS} not found")
    if texts:
        result["throughput"] = throughput(texts)
    else:
        result["skipped"].append("throughput: no fandom texts to time")
    return result


def table(result: dict[str, Any]) -> str:
    lines = [f"fandom sentiment layer {result['scorer_version']} against plain VADER 3.3.2", ""]
    lines.append(f"{'data set':<20} {'posts':>6} {'scorer':<8} {'accuracy':>9} {'macro-F1':>9}")
    for name, title, _ in LABELLED_SETS:
        if name not in result:
            continue
        block = result[name]
        for scorer in ("plain", "fandom"):
            figures = block[scorer]
            lines.append(
                f"{title:<20} {block['n']:>6} {scorer:<8} "
                f"{figures['accuracy']:>9.3f} {figures['macro_f1']:>9.3f}"
            )
    if "tweets" in result:
        tweets = result["tweets"]
        lines += [
            "",
            f"tweets ({tweets['n']} rated by humans): Pearson r plain {tweets['plain_r']:.4f}, "
            f"fandom {tweets['fandom_r']:.4f} "
            f"(difference {tweets['fandom_r'] - tweets['plain_r']:+.4f})",
        ]
    if "throughput" in result:
        speed = result["throughput"]
        lines += [
            "",
            f"throughput on {speed['posts']} fandom posts: plain VADER "
            f"{speed['vader_per_s']:,.0f}/s, score_text {speed['score_text_per_s']:,.0f}/s "
            f"(score_text costs {speed['cost_ratio']:.2f}x VADER's time)",
        ]
    if result["skipped"]:
        lines += ["", *(f"skipped {note}" for note in result["skipped"])]
    return "\n".join(lines)


def main() -> None:
    print(table(evaluate()))


if __name__ == "__main__":
    main()
