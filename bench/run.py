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


SECTIONS: dict[str, Callable[[], dict[str, Any]]] = {
    "sentiment": _sentiment,
    "matching": _matching,
    "ingest": _ingest,
    "polling": _polling,
    "queries": _queries,
    "memory": _memory,
    "disk": _disk,
}


def _at_least(goal: float) -> Callable[[Any], bool]:
    return lambda value: value >= goal


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
    ("disk", "bytes_per_post", "<= 80 bytes per post", lambda v: v <= 80),
]


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
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**previous, **results}, indent=2, default=str) + "\n")
    print(f"\nwritten to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
