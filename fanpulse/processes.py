"""Starting the dashboard, and running collection and dashboard side by side (`fanpulse up`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from importlib.resources import files
from pathlib import Path

from analytics.core import CONFIG_ENV
from analytics.core.config import AppConfig

# Streamlit runs a file, not a module: the installed dashboard package's entry page.
DASHBOARD_APP = Path(str(files("dashboard") / "app.py"))
STOP_TIMEOUT = 15.0


def dashboard_command(
    config: AppConfig, *, port: int | None = None, address: str | None = None
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(DASHBOARD_APP),
        "--server.port",
        str(port or config.dashboard.port),
        "--server.address",
        address or config.dashboard.address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]


def run_together(config: AppConfig) -> int:
    """Run the collector and the dashboard as two processes; stop both on a signal.

    If either exits on its own, the other is stopped too and its exit status returned.
    """
    env = {**os.environ, CONFIG_ENV: str(config.path.resolve())}
    collector = subprocess.Popen(
        [sys.executable, "-m", "fanpulse", "--log-level", "info", "run"], env=env
    )
    dashboard = subprocess.Popen(dashboard_command(config), env=env)
    children = [collector, dashboard]
    stop_requested = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    previous = {s: signal.signal(s, request_stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop_requested and all(child.poll() is None for child in children):
            time.sleep(0.2)
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if stop_requested:
        return 0
    return next((child.returncode for child in children if child.returncode), 0)
