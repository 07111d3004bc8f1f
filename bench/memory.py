"""Memory: the collector's peak RSS over a run, and the dashboard's RSS after a tour of
every page on a million demo posts."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.demo_db import CONFIG, demo_database
from tests.conftest import write_config
from tests.support.daemon_harness import GrowingFeed, peak_rss_mb, start_daemon, stop_daemon
from tests.support.feedserver import FeedServer

DAEMON_SECONDS = float(os.environ.get("BENCH_DAEMON_SECONDS", "120"))
PAGES = ["", "compare", "conversation", "attention", "explore", "health"]


def daemon_peak(seconds: float = DAEMON_SECONDS) -> dict[str, Any]:
    server = FeedServer().start()
    feeds = [GrowingFeed(f"feed-{i}", period=1.0 + i * 0.3) for i in range(10)]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sources = [
                {"kind": "rss", "name": f.name, "url": f.route(server), "interval": "5s"}
                for f in feeds
            ]
            config = write_config(Path(tmp), sources, collector={"per_host_concurrency": 8})
            daemon = start_daemon(config, Path(tmp) / "daemon.log")
            peak, started = 0.0, time.monotonic()
            try:
                while time.monotonic() - started < seconds:
                    time.sleep(2)
                    peak = max(peak, peak_rss_mb(daemon.pid))
            finally:
                stop_daemon(daemon)
    finally:
        server.stop()
    served = sum(len(f.expected_post_ids()) for f in feeds)
    return {"seconds": seconds, "posts_served": served, "daemon_peak_rss_mb": round(peak, 1)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise RuntimeError(f"the dashboard did not start on port {port}")


def dashboard_rss(posts: int = 1_000_000) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    database, _ = demo_database(posts)
    port = _free_port()
    env = {**os.environ, "FANPULSE_CONFIG": str(CONFIG), "FANPULSE_DB": str(database)}
    fanpulse = str(Path(sys.executable).parent / "fanpulse")
    server = subprocess.Popen(
        [fanpulse, "dashboard", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_serving(port)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-quic"],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for path in PAGES:
                page.goto(f"http://127.0.0.1:{port}/{path}", wait_until="domcontentloaded")
                page.locator(
                    "[data-testid='stVegaLiteChart'], [data-testid='stDataFrame']"
                ).first.wait_for(timeout=120_000)
                # Streamlit shows a running indicator until the page's script finishes.
                page.locator("[data-testid='stStatusWidget']").wait_for(
                    state="detached", timeout=120_000
                )
            browser.close()
        return {
            "posts": posts,
            "dashboard_rss_mb_after_all_pages": round(peak_rss_mb(server.pid), 1),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def run() -> dict[str, Any]:
    return {**daemon_peak(), **dashboard_rss()}


if __name__ == "__main__":
    print(run())
