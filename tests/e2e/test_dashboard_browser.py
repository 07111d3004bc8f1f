"""End to end: `fanpulse dashboard` on demo data, every page in headless Chromium.

The database is `fanpulse demo`'s (the repository's configuration and events, a premiere
in the window, a recent spike, a failing source) plus one post written to break markup.
Each page must show its title, no Streamlit exception and at least one chart; full-page
screenshots in the light and the dark theme are kept in tests/artifacts/screenshots/ for
people to look at. Skipped when Playwright or Chromium is not installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from analytics.core.config import load_config
from analytics.store import connect, transaction
from fanpulse.demo import build_demo
from tests.conftest import REPO
from tests.dashboard.test_pages import HOSTILE

SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# (URL path, title the page shows); "" is the default page. A page's own address comes
# first: the server's very first request runs differently (see dashboard.state.context).
PAGES = [
    ("compare", "Compare"),
    ("", "Overview"),
    ("conversation", "Conversation"),
    ("attention", "Attention"),
    ("explore", "Explore posts"),
    ("health", "Collection health"),
]
CHART = '[data-testid="stVegaLiteChart"], canvas'
STARTUP_SECONDS = 60
CONFIG = REPO / "config" / "fanpulse.toml"
DEMO_POSTS = 100_000
DEMO_START = date(2024, 9, 1)  # covers the Heartstopper season 3 premiere of events.toml
# Streamlit scrolls the page inside its main area (tables scroll inside themselves).
FULL_HEIGHT_JS = """
() => (document.querySelector('[data-testid="stMain"]') || document.body).scrollHeight
"""

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"chromium is not installed (looked for {CHROMIUM})", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the dashboard exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the dashboard did not answer on {url} within {STARTUP_SECONDS}s")


def add_hostile_post(path: Path) -> None:
    """The newest, most liked Heartstopper post of the demo, re-worded to break markup."""
    with connect(path) as con, transaction(con):
        con.execute(
            """
            INSERT INTO posts SELECT * REPLACE ('mastodon:hostile' AS post_id, ? AS text,
                                                ? AS title, 100000 AS likes)
            FROM posts WHERE source = 'mastodon' ORDER BY created_at DESC LIMIT 1
            """,
            [HOSTILE, HOSTILE],
        )
        con.execute("INSERT INTO mentions VALUES ('mastodon:hostile', 'show:heartstopper', 'x')")


@contextmanager
def serving(database: Path, directory: Path) -> Iterator[str]:
    """`fanpulse dashboard` on the repository's configuration and ``database``; its URL."""
    port = free_port()
    log = (directory / f"dashboard-{port}.log").open("wb")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "fanpulse"), "dashboard", "--port", str(port)],
        env={**os.environ, "FANPULSE_CONFIG": str(CONFIG), "FANPULSE_DB": str(database)},
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=directory,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("browser")
    database = directory / "demo.duckdb"
    build_demo(load_config(CONFIG), database, posts=DEMO_POSTS, start=DEMO_START)
    add_hostile_post(database)
    with serving(database, directory) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("path", "title"), PAGES, ids=[p or "overview" for p, _ in PAGES])
def test_page_renders_with_charts(
    dashboard_url: str, browser: Any, path: str, title: str, scheme: str
) -> None:
    # Streamlit follows the system's colour scheme: both themes must read well.
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{dashboard_url}/{path}", wait_until="domcontentloaded")
        page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=60_000)
        # Charts render after the data arrives; wait for the first, then for the script run.
        page.locator(CHART).first.wait_for(timeout=60_000)
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=60_000)
        page.wait_for_timeout(1_500)  # let Vega finish drawing before the screenshot
        # A "full page" screenshot is only the window here: grow it to the content first.
        height = page.evaluate(FULL_HEIGHT_JS)
        page.set_viewport_size({"width": 1440, "height": min(max(1000, height), 12_000)})
        page.wait_for_timeout(1_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = (path or "overview") + ("" if scheme == "light" else f"-{scheme}")
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator(CHART).count() >= 1
        # Post text is shown as text: the hostile sample post never becomes markup.
        assert page.locator("script:has-text(\"alert('x')\")").count() == 0
    finally:
        context.close()


def test_without_data_every_address_shows_the_first_run_page(tmp_path: Path, browser: Any) -> None:
    with serving(tmp_path / "not-collected-yet.duckdb", tmp_path) as url:
        # The root first: a page's address behaves differently on a server's first request.
        for path in ("", "compare", "health"):
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            try:
                page.goto(f"{url}/{path}", wait_until="domcontentloaded")
                title = page.get_by_role("heading", name="Welcome to fanpulse", exact=True)
                title.first.wait_for(timeout=60_000)
                page.get_by_text("fanpulse demo --serve").first.wait_for(timeout=10_000)
                page.wait_for_timeout(1_000)
                assert page.locator('[data-testid="stException"]').count() == 0
                assert page.get_by_text("Page not found").count() == 0, path
                if not path:
                    page.screenshot(path=str(SCREENSHOTS / "first-run.png"), full_page=True)
            finally:
                page.close()


# ---------------------------------------------------------------- working with the data


def open_page(browser: Any, url: str, title: str) -> tuple[Any, Any]:
    """A new 1440-px window on ``url``, once ``title`` and the first chart are drawn."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=60_000)
    settle(page)
    return context, page


def settle(page: Any) -> None:
    """Wait for the script run to end and Vega to draw."""
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=60_000)
    page.wait_for_timeout(1_000)


def test_a_shared_address_opens_on_its_filters(dashboard_url: str, browser: Any) -> None:
    # A page's own address, as a link pasted into a new window would open it.
    link = f"{dashboard_url}/explore?period=7d&entities=show:heartstopper&q=trailer"
    context, page = open_page(browser, link, "Explore posts")
    try:
        sidebar = page.locator('[data-testid="stSidebar"]')
        period = sidebar.locator('[data-testid="stSelectbox"]').first
        shown = period.inner_text() + " " + period.locator("input").first.input_value()
        shown += " " + (period.locator("input").first.get_attribute("aria-label") or "")
        assert "Last 7 days" in shown, shown
        chosen = sidebar.locator('[data-testid="stMultiSelect"]').first.inner_text()
        assert "Heartstopper" in chosen
        assert page.get_by_test_id("stTextInputField").first.input_value() == "trailer"
        assert "q=trailer" in page.url and "period=7d" in page.url
        assert "entities=show%3Aheartstopper" in page.url or "show:heartstopper" in page.url
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(SCREENSHOTS / "shared-link.png"), full_page=True)
    finally:
        context.close()


def test_clicking_a_day_lists_its_posts(dashboard_url: str, browser: Any) -> None:
    context, page = open_page(browser, f"{dashboard_url}/?period=90d", "Overview")
    try:
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        chart.scroll_into_view_if_needed()
        # A day's point on the volume chart, as a reader clicks it.
        points = chart.locator("g.mark-symbol path")
        assert points.count() > 10
        points.nth(points.count() // 2).click(force=True)
        heading = page.get_by_role("heading", name="Posts behind:")
        heading.first.wait_for(timeout=60_000)
        settle(page)
        panel = page.locator(".st-key-drill_posts")
        panel.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
        assert panel.locator('[data-testid="stDataFrame"]').count() == 1
        assert "Heartstopper" in panel.inner_text() or "·" in panel.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
        panel.screenshot(path=str(SCREENSHOTS / "drill-down.png"))
    finally:
        context.close()


def test_a_spike_alert_links_to_its_posts(dashboard_url: str, browser: Any) -> None:
    context, page = open_page(browser, dashboard_url, "Overview")
    try:
        button = page.get_by_role("button", name="Show the posts of this spike").first
        button.scroll_into_view_if_needed()
        # The alert's posts are real links to their pages, not "<https://…>" text.
        expander = page.locator('[data-testid="stExpander"]').first
        links = expander.locator('a[href^="https://"]')
        assert links.count() >= 1
        assert expander.get_by_text("<https://").count() == 0
        button.click()
        page.get_by_role("heading", name="Posts behind:").first.wait_for(timeout=60_000)
        settle(page)
        panel = page.locator(".st-key-drill_posts")
        panel.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
        assert panel.locator('[data-testid="stDataFrame"]').count() == 1
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()


def test_an_added_note_appears_on_the_charts(dashboard_url: str, browser: Any) -> None:
    note = "Influencer campaign went live"
    context, page = open_page(browser, f"{dashboard_url}/?period=7d", "Overview")
    try:
        field = page.get_by_placeholder("e.g. influencer campaign went live")
        field.scroll_into_view_if_needed()
        field.fill(note)
        page.get_by_role("button", name="Add note").click()
        page.get_by_text("Note added to").first.wait_for(timeout=60_000)
        settle(page)
        volume = page.locator('[data-testid="stVegaLiteChart"]').first
        volume.locator(f'text:has-text("{note}")').first.wait_for(timeout=30_000)
        assert (
            page.locator('[data-testid="stVegaLiteChart"]')
            .nth(1)
            .locator(f'text:has-text("{note}")')
            .count()
            == 1
        )
        assert page.get_by_text(note, exact=False).count() >= 1  # in the list of notes
        assert page.locator('[data-testid="stException"]').count() == 0
        volume.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "note-on-chart.png"))
    finally:
        context.close()
