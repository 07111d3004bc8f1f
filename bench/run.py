"""`make bench`: every figure fanpulse promises, measured in one run, printed as a table and
written to ``bench/results.json``.

Each figure is a ratio of two things measured in the same run (so machine noise cancels)
or a count. Sections can be chosen: ``python -m bench.run sentiment ingest``. Demo
databases for the query figures are built once under ``bench/data/`` and reused.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"


def _sentiment() -> dict[str, Any]:
    from bench.sentiment_eval import evaluate, table

    result = evaluate()
    print(table(result))
    return result


def _matching() -> dict[str, Any]:
    from bench.matching_eval import evaluate, table

    result = evaluate()
    print(table(result))
    return result


def _ingest() -> dict[str, Any]:
    from bench.ingest import run

    return run()


def _polling() -> dict[str, Any]:
    from bench.polling import run

    return run()


def _queries() -> dict[str, Any]:
    from bench.queries import run

    return run()


def _disk() -> dict[str, Any]:
    from bench.disk import run

    return run()


def _memory() -> dict[str, Any]:
    from bench.memory import run

    return run()


def _reader() -> dict[str, Any]:
    from bench.versus_reader import run

    return run()


SECTIONS: dict[str, Callable[[], dict[str, Any]]] = {
    "sentiment": _sentiment,
    "matching": _matching,
    "ingest": _ingest,
    "polling": _polling,
    "queries": _queries,
    "memory": _memory,
    "disk": _disk,
    "reader": _reader,
}


def _at_least(goal: float) -> Callable[[Any], bool]:
    return lambda value: value >= goal


def _at_most(goal: float) -> Callable[[Any], bool]:
    return lambda value: value <= goal


# (section, key, target description, check) — the promises the table reports on.
TARGETS: list[tuple[str, str, str, Callable[[Any], bool]]] = [
    *(
        ("matching", f"{part}.{kind}.{measure}", f">= {goal} ({part} set)", _at_least(goal))
        for part in ("sealed", "dev")
        for kind in ("show", "person")
        for measure, goal in (("precision", 0.97), ("recall", 0.95))
    ),
    ("ingest", "pipeline_vs_vader", ">= 0.85x VADER alone", lambda v: v >= 0.85),
    ("ingest", "parallel_scoring_vs_vader", ">= 1.7x on 2 cores", lambda v: v >= 1.7),
    ("ingest", "pipeline_vs_naive", ">= 5x naive script", lambda v: v >= 5),
    ("polling", "second_cycle_body_bytes", "~0 bytes", lambda v: v < 1000),
    ("queries", "1M.worst_page_p95_ms", "<= 300 ms at 1M posts", lambda v: v <= 300),
    ("disk", "bytes_per_post", "<= 80 bytes per post", _at_most(80)),
    ("reader", "first_poll_wall_vs_reader", "<= 1.0x reader", _at_most(1.0)),
    ("reader", "unchanged_200_wall_vs_reader", "<= 1.0x reader", _at_most(1.0)),
    ("reader", "unchanged_1000_wall_vs_reader", "<= 1.0x reader", _at_most(1.0)),
    ("reader", "first_poll_peak_rss_vs_reader", "<= 2.0x reader", _at_most(2.0)),
    ("reader", "help_startup_s", "<= 0.3 s", _at_most(0.3)),
]

# The lean-and-fast table, row by row: figure, goal, section, key, unit, and figures shown
# beside it as (format, key). A row shows what this run measured; others say so.
GoalRow = tuple[str, str, str, str, str, tuple[tuple[str, str], ...]]
GOAL_TABLE: list[GoalRow] = [
    (
        "200 feeds x 50 items, first poll, wall / reader",
        "<= 1.0x",
        "reader",
        "first_poll_wall_vs_reader",
        "x",
        (("CPU {}x", "first_poll_cpu_vs_reader"),),
    ),
    (
        "200 feeds, all-304 poll, wall / reader",
        "<= 1.0x",
        "reader",
        "unchanged_200_wall_vs_reader",
        "x",
        (("CPU {}x", "unchanged_200_cpu_vs_reader"),),
    ),
    (
        "1,000 feeds, all-304 poll, wall / reader",
        "<= 1.0x",
        "reader",
        "unchanged_1000_wall_vs_reader",
        "x",
        (("CPU {}x", "unchanged_1000_cpu_vs_reader"),),
    ),
    (
        "collector peak RSS / reader",
        "<= 2x",
        "reader",
        "first_poll_peak_rss_vs_reader",
        "x",
        (
            ("{} MB", "first_poll.fanpulse.peak_rss_mb.median"),
            ("reader {} MB", "first_poll.reader.peak_rss_mb.median"),
        ),
    ),
    (
        "`fanpulse --help` start-up",
        "<= 0.3 s",
        "reader",
        "help_startup_s",
        " s",
        (
            ("{} MB", "help_peak_rss_mb"),
            ("CPU {} s", "startup.fanpulse --help.cpu_s.median"),
            ("`import reader`: {} s", "startup.import reader.wall_s.median"),
        ),
    ),
    ("ingest pipeline / VADER alone", ">= 0.85x", "ingest", "pipeline_vs_vader", "x", ()),
    ("2 scoring workers / VADER alone", ">= 1.7x", "ingest", "parallel_scoring_vs_vader", "x", ()),
    ("bytes per post on disk", "<= 80", "disk", "bytes_per_post", "", ()),
]


def _goal_value(results: dict[str, Any], row: GoalRow) -> str:
    _, _, section, key, unit, beside = row
    found = _lookup(results.get(section, {}), key)
    if found is None:
        return "not measured in this run"
    extra = [
        shape.format(value)
        for shape, inner in beside
        if (value := _lookup(results[section], inner)) is not None
    ]
    return f"{found}{unit}" + (f" ({', '.join(extra)})" if extra else "")


def _print_goal_table(results: dict[str, Any]) -> None:
    print("\n== lean and fast: every figure with its goal (measured in this run)")
    width = max(len(row[0]) for row in GOAL_TABLE)
    for row in GOAL_TABLE:
        figure, goal = row[0], row[1]
        print(f"  {figure:<{width}}  {_goal_value(results, row):<50}  goal {goal}")


def _lookup(section: dict[str, Any], dotted: str) -> Any:
    value: Any = section
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _flatten(prefix: str, value: Any, rows: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, rows)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for index, inner in enumerate(value):
            _flatten(f"{prefix}[{index}]", inner, rows)
    else:
        rows.append((prefix, str(value)))


def main(argv: list[str]) -> int:
    chosen = argv or list(SECTIONS)
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        print(f"unknown sections {unknown}; choose from {list(SECTIONS)}", file=sys.stderr)
        return 2
    results: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    for name in chosen:
        started = time.perf_counter()
        print(f"\n== {name}", flush=True)
        results[name] = SECTIONS[name]()
        results[name]["section_seconds"] = round(time.perf_counter() - started, 1)
        rows: list[tuple[str, str]] = []
        _flatten("", results[name], rows)
        width = max(len(key) for key, _ in rows)
        for key, value in rows:
            print(f"  {key:<{width}}  {value}")
    print("\n== targets")
    for section, key, promise, check in TARGETS:
        value = _lookup(results[section], key) if section in results else None
        if value is not None:
            verdict = "met" if check(value) else "MISSED"
            print(f"  {section}.{key:<32} {value!s:>10}  target {promise:<24} {verdict}")
    _print_goal_table(results)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**previous, **results}, indent=2, default=str) + "\n")
    print(f"\nwritten to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
