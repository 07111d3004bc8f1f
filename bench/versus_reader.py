"""Side by side with a plain feed reader: lemon24/reader, polling the same loopback feeds.

reader is installed from the package registry into its own venv under ``bench/data/`` (made
once, reused), so neither tool's dependencies touch the other's. Both run as whole child
processes, as a user runs them: start-up, imports, polling, storing and exit are all inside
the figures. Wall time is taken around the child; CPU (user + sys) and peak RSS come from
``os.wait4`` for that one child, so nothing else on the machine is counted. A sampler also
sums the RSS of the child and any processes it starts (4 times a second), so a tool that
spreads work over worker processes is not measured by its smallest one.

What is timed, and what is not:

- first poll: 200 feeds × 50 items into a fresh database each run. Making the empty
  database is setup, done by an untimed child first: fanpulse's schema and watchlist
  (``prepare_database``), reader's ``add_feed`` for each URL. The timed child is
  ``fanpulse collect --once`` and ``make_reader(path).update_feeds(...)``.
- unchanged poll: the same database polled again; every feed answers 304 (ETag), which the
  server's request log confirms.
- 1,000 unchanged feeds: a first poll is setup; then each timed run is an all-304 poll.

Both tools get the same concurrency: reader ``update_feeds(workers=N)``, fanpulse
``concurrency = per_host_concurrency = N`` (every loopback feed is on one host). reader
also runs at its default, one worker, for reference. ``scheduled=False`` makes reader poll
every feed as ``collect --once`` does (by default it skips feeds not due yet). Runs
alternate which tool goes first, so a busy moment on the machine does not land on one side.

The start-up figure is ``fanpulse --help`` against ``python -c "import reader"``: both
with warm caches (one untimed run first, byte-code written), median of 5.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

from tests.conftest import write_config
from tests.support.feedserver import FeedServer, Reply

READER_VERSION = "3.26"
DATA = Path(__file__).resolve().parent / "data"
READER_VENV = DATA / f"reader-{READER_VERSION}-venv"
# reader 3.26's bundled feedparser imports `sgmllib`, which today's feedparser no longer
# brings along (it moved to feedparser-sgmllib): without it every parse fails.
READER_REQUIREMENTS = (f"reader=={READER_VERSION}", "sgmllib3k==1.0.0")
FANPULSE = Path(sys.executable).parent / "fanpulse"

RUNS = max(3, int(os.environ.get("BENCH_READER_RUNS", "3")))
STARTUP_RUNS = 5
WORKERS = 8
FIRST_FEEDS, FIRST_ITEMS = 200, 50
MANY_FEEDS, MANY_ITEMS = 1000, 10
SAMPLE_EVERY = 0.25  # seconds between RSS samples of a child's process tree

# The goals each ratio is held to (see docs/performance.md).
GOALS = {
    "first_poll_wall_vs_reader": 1.0,
    "unchanged_200_wall_vs_reader": 1.0,
    "unchanged_1000_wall_vs_reader": 1.0,
    "first_poll_peak_rss_vs_reader": 2.0,
    "help_startup_s": 0.3,
}

# The reader side, run by reader's own interpreter. Arguments: database, then per script.
# Adding a feed loads reader's parser, so a broken install shows here, before any timing.
READER_READY = """
import reader
reader.make_reader(":memory:").add_feed("http://127.0.0.1/feed")
print(reader.__version__)
"""
READER_ADD = """
import sys
from reader import make_reader
reader = make_reader(sys.argv[1])
for url in sys.argv[2:]:
    reader.add_feed(url)
reader.close()
"""
READER_POLL = """
import sys
from reader import make_reader
reader = make_reader(sys.argv[1])
reader.update_feeds(scheduled=False, workers=int(sys.argv[2]))
reader.close()
"""
READER_COUNT = """
import json, sys
from reader import make_reader
reader = make_reader(sys.argv[1])
failed = [f.url for f in reader.get_feeds() if f.last_exception]
print(json.dumps({"entries": reader.get_entry_counts().total, "failed_feeds": failed}))
reader.close()
"""


# ---------------------------------------------------------------- measuring a child


@dataclass(frozen=True)
class Usage:
    wall_s: float
    cpu_s: float  # user + sys of the child and the processes it waited for
    peak_rss_mb: float  # the kernel's high-water mark of the largest single process
    tree_rss_mb: float  # sampled: the child and its descendants, summed

    @property
    def rss_mb(self) -> float:
        return max(self.peak_rss_mb, self.tree_rss_mb)


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return 0  # it has just exited: nothing resident
    return 0  # a zombie has no VmRSS line


def _descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # exited between the listing and the read
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_EVERY):
            # The launcher itself (a few MB) is not part of the measured command.
            total = sum(_rss_kb(pid) for pid in _descendants(self.pid) if pid != self.pid)
            self.peak_kb = max(self.peak_kb, total)


class ChildFailed(RuntimeError):
    pass


# Started from this (large) process, a child's peak RSS would count this process's memory:
# Linux carries the pre-exec image's high-water mark into ru_maxrss. So a small launcher
# (no site packages) starts the command and reports its wait4 figures in JSON.
LAUNCHER = """
import json, os, sys, time
started = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
with open(sys.argv[1], "w") as report:
    json.dump({"exit": os.waitstatus_to_exitcode(status), "wall": wall,
               "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss}, report)
"""


def measure(command: Sequence[str | Path], env: dict[str, str]) -> Usage:
    """Run ``command`` to its end; its wall time, CPU and peak memory."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as tmp,
    ):
        report = Path(tmp) / "usage.json"
        launcher = subprocess.Popen(
            [sys.executable, "-S", "-c", LAUNCHER, report, *command],
            stdout=out,
            stderr=err,
            env=env,
        )
        sampler = _TreeSampler(launcher.pid)
        sampler.start()
        launcher.wait()
        sampler.done.set()
        sampler.join()
        figures = json.loads(report.read_text()) if report.exists() else {"exit": None}
        if launcher.returncode != 0 or figures["exit"] != 0:
            err.seek(0)
            out.seek(0)
            tail = (out.read()[-1500:] + err.read()[-1500:]).decode(errors="replace")
            raise ChildFailed(f"{command[0]} exited {figures['exit']}: {tail}")
    return Usage(
        wall_s=figures["wall"],
        cpu_s=figures["cpu"],
        peak_rss_mb=figures["maxrss_kb"] / 1024,  # kilobytes on Linux
        tree_rss_mb=sampler.peak_kb / 1024,
    )


def run_output(command: Sequence[str | Path], env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(part) for part in command], env=env, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise ChildFailed(f"{command[0]} exited {done.returncode}: {done.stderr[-1500:]}")
    return done.stdout


def child_env() -> dict[str, str]:
    # Byte-code is written and reused, as on a user's machine (warm caches).
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def summary(usages: Sequence[Usage]) -> dict[str, Any]:
    def both(values: list[float], digits: int) -> dict[str, float]:
        return {
            "min": round(min(values), digits),
            "median": round(statistics.median(values), digits),
        }

    return {
        "runs": len(usages),
        "wall_s": both([u.wall_s for u in usages], 3),
        "cpu_s": both([u.cpu_s for u in usages], 3),
        "peak_rss_mb": both([u.rss_mb for u in usages], 1),
    }


def ratio(ours: dict[str, Any], theirs: dict[str, Any], figure: str) -> float:
    """Median over median: how many times reader's figure ours is."""
    return round(ours[figure]["median"] / theirs[figure]["median"], 2)


# ---------------------------------------------------------------- the reader venv


def reader_python() -> tuple[Path | None, str]:
    """reader's interpreter and version, installing it on first use; or None and why not."""
    python = READER_VENV / "bin" / "python"
    stamp = READER_VENV / ".installed"
    if not stamp.exists() or stamp.read_text() != " ".join(READER_REQUIREMENTS):
        DATA.mkdir(parents=True, exist_ok=True)
        steps = [
            [sys.executable, "-m", "venv", "--clear", str(READER_VENV)],
            [str(python), "-m", "pip", "install", "--quiet", *READER_REQUIREMENTS],
        ]
        for step in steps:
            try:
                done = subprocess.run(step, capture_output=True, text=True, timeout=900)
            except (OSError, subprocess.TimeoutExpired) as exc:
                return None, f"`{' '.join(step)}` failed: {exc}"
            if done.returncode != 0:
                lines = (done.stderr or done.stdout).strip().splitlines()[-3:]
                return None, f"`{' '.join(step[2:])}` failed: {' / '.join(lines)}"
        stamp.write_text(" ".join(READER_REQUIREMENTS))
    try:
        version = run_output([python, "-c", READER_READY], child_env())
    except (OSError, ChildFailed) as exc:
        return None, f"reader {READER_VERSION} is installed in {READER_VENV} but cannot run: {exc}"
    return python, version.strip()


# ---------------------------------------------------------------- the feeds

WHO = [
    "Kit Connor",
    "Joe Locke",
    "Yasmin Finney",
    "William Gao",
    "Alice Oseman",
    "Olivia Colman",
    "Edvin Ryding",
    "Omar Rudberg",
]
WHAT = [
    "Heartstopper season 3 ends on the scene fans waited two years for",
    "Young Royals: the final season gets a first trailer",
    "Nick and Charlie's story continues in the Heartstopper Forever film",
    "Why the Heartstopper soundtrack keeps topping the charts",
    "Netflix confirms the Young Royals cast for a reunion special",
]
SAID = [
    "I cried through the whole episode, it was perfect.",
    "Honestly the pacing felt rushed and the ending was a letdown.",
    "The cast interview is out and it is so wholesome.",
    "Not sure how I feel about the new direction, but the acting is brilliant.",
    "This is the best thing Netflix has made in years!!",
]


def feed_body(index: int, items: int) -> bytes:
    """An RSS 2.0 feed like a news search feed: HTML descriptions, authors, categories."""
    rng = random.Random(index)
    entries = []
    for item in range(items):
        who, what, said = rng.choice(WHO), rng.choice(WHAT), rng.choice(SAID)
        published = 1_756_000_000 - (index * items + item) * 600
        description = escape(
            f"<p><b>{who}</b> on {what.lower()}.</p><p>{said} "
            f'<a href="https://news.example/{index}/{item}">Read more</a></p>'
        )
        entries.append(
            f"<item><title>{escape(what)} ({index}-{item})</title>"
            f"<link>https://news.example/{index}/{item}</link>"
            f'<guid isPermaLink="false">urn:feed:{index}:{item}</guid>'
            f"<pubDate>{format_datetime(_utc(published), usegmt=True)}</pubDate>"
            f"<dc:creator>{escape(who)} Fan Desk</dc:creator>"
            f"<category>TV</category><description>{description}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Fan news {index}</title><link>https://news.example/{index}</link>"
        f"<description>News feed {index}</description>{''.join(entries)}</channel></rss>"
    ).encode()


def _utc(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def serve_feeds(server: FeedServer, prefix: str, feeds: int, items: int) -> list[str]:
    modified = format_datetime(_utc(1_756_000_000), usegmt=True)
    return [
        server.route(
            f"/{prefix}/{i}",
            Reply(
                body=feed_body(i, items),
                etag=f'"{prefix}-{i}"',
                headers={"Last-Modified": modified},
            ),
        )
        for i in range(feeds)
    ]


@dataclass
class Traffic:
    """What the server saw during one poll: every feed asked once, and how it answered."""

    requests: int
    conditional: int  # carried the feed's ETag, so answered 304
    body_bytes: int


def traffic(server: FeedServer, since: int, bytes_before: int) -> Traffic:
    seen = server.requests[since:]
    return Traffic(
        requests=len(seen),
        conditional=sum(1 for r in seen if r.headers.get("If-None-Match")),
        body_bytes=server.body_bytes - bytes_before,
    )


# ---------------------------------------------------------------- the two tools


class Tool:
    name: str

    def prepare(self, directory: Path, urls: list[str]) -> None:
        raise NotImplementedError

    def poll_command(self, directory: Path) -> list[str | Path]:
        raise NotImplementedError

    def stored(self, directory: Path) -> int:
        raise NotImplementedError


class Fanpulse(Tool):
    name = "fanpulse"

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def prepare(self, directory: Path, urls: list[str]) -> None:
        sources = [{"kind": "rss", "name": f"feed-{i}", "url": u} for i, u in enumerate(urls)]
        config = write_config(
            directory,
            sources,
            collector={
                "timeout": "30s",
                "retries": 2,
                "max_response_size": "5MB",
                "concurrency": self.workers,
                "per_host_concurrency": self.workers,
            },
        )
        run_output(
            [
                sys.executable,
                "-c",
                "import sys\n"
                "from analytics.core.config import load_config\n"
                "from analytics.store import prepare_database\n"
                "config = load_config(sys.argv[1])\n"
                "prepare_database(config.database_path, config.watchlist.entities())\n",
                config,
            ],
            child_env(),
        )

    def poll_command(self, directory: Path) -> list[str | Path]:
        return [FANPULSE, "--config", directory / "fanpulse.toml", "collect", "--once"]

    def stored(self, directory: Path) -> int:
        import duckdb

        with duckdb.connect(str(directory / "fanpulse.duckdb"), read_only=True) as con:
            row = con.execute("SELECT count(*) FROM posts").fetchone()
        return int(row[0]) if row else 0


class Reader(Tool):
    def __init__(self, python: Path, workers: int, name: str) -> None:
        self.python = python
        self.workers = workers
        self.name = name

    def prepare(self, directory: Path, urls: list[str]) -> None:
        run_output([self.python, "-c", READER_ADD, directory / "reader.sqlite", *urls], child_env())

    def poll_command(self, directory: Path) -> list[str | Path]:
        return [self.python, "-c", READER_POLL, directory / "reader.sqlite", str(self.workers)]

    def stored(self, directory: Path) -> int:
        found = json.loads(
            run_output([self.python, "-c", READER_COUNT, directory / "reader.sqlite"], child_env())
        )
        if found["failed_feeds"]:
            raise ChildFailed(f"reader could not update {found['failed_feeds'][:3]} …")
        return int(found["entries"])


def poll(server: FeedServer, tool: Tool, directory: Path, feeds: int, unchanged: bool) -> Usage:
    """One timed poll, checked against what the server saw."""
    since, bytes_before = len(server.requests), server.body_bytes
    usage = measure(tool.poll_command(directory), child_env())
    seen = traffic(server, since, bytes_before)
    if seen.requests != feeds:
        raise ChildFailed(f"{tool.name} asked for {seen.requests} feeds, not {feeds}")
    if unchanged and (seen.conditional != feeds or seen.body_bytes):
        raise ChildFailed(
            f"{tool.name}: {seen.conditional} of {feeds} requests conditional, "
            f"{seen.body_bytes} body bytes on an unchanged poll"
        )
    return usage


def alternating(tools: Sequence[Tool], run: int) -> list[Tool]:
    """The paired tools, first one first on even runs, last one first on odd runs."""
    return list(tools) if run % 2 == 0 else list(reversed(tools))


# ---------------------------------------------------------------- the scenarios


def first_and_unchanged(
    server: FeedServer, tools: Sequence[Tool], reference: Tool | None
) -> dict[str, Any]:
    urls = serve_feeds(server, "a", FIRST_FEEDS, FIRST_ITEMS)
    first: dict[str, list[Usage]] = {}
    again: dict[str, list[Usage]] = {}
    stored: dict[str, int] = {}
    for run in range(RUNS):
        order = alternating(tools, run) + ([reference] if reference else [])
        for tool in order:
            with tempfile.TemporaryDirectory(prefix=f"versus-{tool.name}-") as tmp:
                directory = Path(tmp)
                tool.prepare(directory, urls)
                first.setdefault(tool.name, []).append(
                    poll(server, tool, directory, FIRST_FEEDS, unchanged=False)
                )
                stored[tool.name] = tool.stored(directory)
                again.setdefault(tool.name, []).append(
                    poll(server, tool, directory, FIRST_FEEDS, unchanged=True)
                )
    return {
        "first": {name: {**summary(u), "stored": stored[name]} for name, u in first.items()},
        "unchanged": {name: summary(u) for name, u in again.items()},
    }


def many_unchanged(
    server: FeedServer, tools: Sequence[Tool], reference: Tool | None
) -> dict[str, Any]:
    urls = serve_feeds(server, "c", MANY_FEEDS, MANY_ITEMS)
    everyone = [*tools, *([reference] if reference else [])]
    with tempfile.TemporaryDirectory(prefix="versus-many-") as tmp:
        directories = {tool.name: Path(tmp) / tool.name for tool in everyone}
        for tool in everyone:  # setup, untimed: the database knows every feed's ETag
            directories[tool.name].mkdir()
            tool.prepare(directories[tool.name], urls)
            poll(server, tool, directories[tool.name], MANY_FEEDS, unchanged=False)
        usages: dict[str, list[Usage]] = {}
        for run in range(RUNS):
            order = alternating(tools, run) + ([reference] if reference else [])
            for tool in order:
                usages.setdefault(tool.name, []).append(
                    poll(server, tool, directories[tool.name], MANY_FEEDS, unchanged=True)
                )
    return {name: summary(u) for name, u in usages.items()}


def startup(python: Path | None) -> dict[str, Any]:
    commands: dict[str, list[str | Path]] = {"fanpulse --help": [FANPULSE, "--help"]}
    if python is not None:
        commands["import reader"] = [python, "-c", "import reader"]
    for command in commands.values():
        measure(command, child_env())  # warm: byte-code written, files in the page cache
    usages: dict[str, list[Usage]] = {name: [] for name in commands}
    for _ in range(STARTUP_RUNS):
        for name, command in commands.items():
            usages[name].append(measure(command, child_env()))
    return {name: summary(u) for name, u in usages.items()}


def warm_up(server: FeedServer, tools: Sequence[Tool]) -> None:
    """One small untimed poll per tool: byte-code written, libraries in the page cache."""
    urls = serve_feeds(server, "warm", 2, 5)
    for tool in tools:
        with tempfile.TemporaryDirectory(prefix="versus-warm-") as tmp:
            tool.prepare(Path(tmp), urls)
            poll(server, tool, Path(tmp), len(urls), unchanged=False)


# ---------------------------------------------------------------- the report


def ratios(result: dict[str, Any]) -> dict[str, float]:
    first, unchanged, many = result["first_poll"], result["unchanged_200"], result["unchanged_1000"]
    ours, theirs = "fanpulse", "reader"
    if theirs not in first:
        return {}
    return {
        "first_poll_wall_vs_reader": ratio(first[ours], first[theirs], "wall_s"),
        "first_poll_cpu_vs_reader": ratio(first[ours], first[theirs], "cpu_s"),
        "first_poll_peak_rss_vs_reader": ratio(first[ours], first[theirs], "peak_rss_mb"),
        "unchanged_200_wall_vs_reader": ratio(unchanged[ours], unchanged[theirs], "wall_s"),
        "unchanged_200_cpu_vs_reader": ratio(unchanged[ours], unchanged[theirs], "cpu_s"),
        "unchanged_1000_wall_vs_reader": ratio(many[ours], many[theirs], "wall_s"),
        "unchanged_1000_cpu_vs_reader": ratio(many[ours], many[theirs], "cpu_s"),
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        f"reader {result['reader_version']} (its own venv: {READER_VENV}); "
        f"{result['runs']} runs each, min / median; concurrency {WORKERS} for both "
        f"(reader workers={WORKERS}; fanpulse concurrency = per_host_concurrency = {WORKERS})",
        f"{'scenario':<34} {'tool':<18} {'wall s':>15} {'cpu s':>15} {'peak RSS MB':>15}",
    ]
    scenarios = [
        (f"first poll {FIRST_FEEDS}×{FIRST_ITEMS}", result["first_poll"]),
        (f"unchanged poll {FIRST_FEEDS} (304)", result["unchanged_200"]),
        (f"unchanged poll {MANY_FEEDS} (304)", result["unchanged_1000"]),
    ]
    for label, tools in scenarios:
        for name, figures in tools.items():
            cells = [
                f"{figures[m]['min']:>6} / {figures[m]['median']:<6}"
                for m in ("wall_s", "cpu_s", "peak_rss_mb")
            ]
            lines.append(f"{label:<34} {name:<18} {cells[0]:>15} {cells[1]:>15} {cells[2]:>15}")
    for name, figures in result["startup"].items():
        cells = [
            f"{figures[m]['min']:>6} / {figures[m]['median']:<6}"
            for m in ("wall_s", "cpu_s", "peak_rss_mb")
        ]
        lines.append(f"{'start-up':<34} {name:<18} {cells[0]:>15} {cells[1]:>15} {cells[2]:>15}")
    for key, value in ratios(result).items():
        goal = GOALS.get(key)
        lines.append(f"  {key:<34} {value:>6}x" + (f"   goal <= {goal}x" if goal else ""))
    help_s = result["help_startup_s"]
    lines.append(f"  {'help_startup_s':<34} {help_s:>6}s   goal <= {GOALS['help_startup_s']}s")
    return "\n".join(lines)


def run() -> dict[str, Any]:
    python, version = reader_python()
    print(f"reader: {version}" if python else f"reader rows skipped: {version}", flush=True)
    ours: Tool = Fanpulse(WORKERS)
    paired: list[Tool] = [ours]
    reference: Tool | None = None
    if python is not None:
        paired.append(Reader(python, WORKERS, "reader"))
        reference = Reader(python, 1, "reader (default 1)")
    server = FeedServer().start()
    try:
        warm_up(server, [*paired, *([reference] if reference else [])])
        polls = first_and_unchanged(server, paired, reference)
        many = many_unchanged(server, paired, reference)
    finally:
        server.stop()
    started = startup(python)
    result: dict[str, Any] = {
        "reader_version": version if python else None,
        "reader_skipped": None if python else version,
        "runs": RUNS,
        "workers": WORKERS,
        "timed": "the whole child process; database setup (schema / add_feed) untimed before",
        "first_poll": polls["first"],
        "unchanged_200": polls["unchanged"],
        "unchanged_1000": many,
        "startup": started,
        "help_startup_s": started["fanpulse --help"]["wall_s"]["median"],
        "help_peak_rss_mb": started["fanpulse --help"]["peak_rss_mb"]["median"],
    }
    result.update(ratios(result))
    print(table(result), flush=True)
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
