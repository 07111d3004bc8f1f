"""`fanpulse report`: the brief of a period, rendered from a real demo database and read back
as a reader (and a browser) would."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from analytics.core.config import load_config
from analytics.store import connect, run_query, transaction
from fanpulse.demo import build_demo
from tests.conftest import REPO
from tests.e2e.test_cli import FANPULSE

CONFIG = REPO / "config" / "fanpulse.toml"
ARTIFACTS = REPO / "tests" / "artifacts" / "screenshots"
END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
# The demo's synthetic trailer spikes on this day (twelve days before the end).
SPIKE_DAY = "2026-11-08"
HOSTILE_TEXT = "<script>alert('x')</script> <img src=x onerror=alert(1)> \"quoted\" & more"
HOSTILE_URL = 'https://example.org/p?a="><script>alert(2)</script>'
START, STOP = "2026-11-07", "2026-11-21"  # --period 14d --until 2026-11-20


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "demo.duckdb"
    build_demo(load_config(CONFIG), path, posts=40_000, end=END)
    add_hostile_posts(path)
    return path


def add_hostile_posts(path: Path) -> None:
    """Two posts of the spike day, the most engaging of all, written to break markup: one
    linking to a script URL, one whose http link is crafted to close its attribute."""
    with connect(path) as con, transaction(con):
        for post_id, url, likes in (
            ("mastodon:hostile-1", "javascript:alert(1)", 900_000),
            ("mastodon:hostile-2", HOSTILE_URL, 800_000),
        ):
            con.execute(
                """
                INSERT INTO posts SELECT * REPLACE (? AS post_id, ? AS story_id, ? AS text,
                    ? AS title, ? AS url, ? AS likes,
                    TIMESTAMPTZ '2026-11-08 15:00:00+00' AS created_at)
                FROM posts WHERE source = 'mastodon' ORDER BY created_at DESC LIMIT 1
                """,
                [post_id, post_id, HOSTILE_TEXT, HOSTILE_TEXT, url, likes],
            )
            con.execute(
                "INSERT INTO mentions VALUES (?, 'show:heartstopper', 'heartstopper')", [post_id]
            )


def run_report(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`fanpulse report` on the repository's configuration, reading ``database``."""
    env = {**os.environ, "FANPULSE_CONFIG": str(CONFIG), "FANPULSE_DB": str(database)}
    return subprocess.run(
        [FANPULSE, "report", *args], capture_output=True, text=True, timeout=180, env=env
    )


class Page(HTMLParser):
    """Every tag with its attributes, the text of each element by id, and the CSS."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.css = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css += data


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def kpi(html: str, key: str) -> int:
    found = re.search(
        rf'id="{key}"><div class="label">[^<]+</div><div class="value">([\d,]+)<', html
    )
    assert found, f"no {key} card"
    return int(found.group(1).replace(",", ""))


def one(database: Path, sql: str) -> int:
    return int(run_query(database, sql, [START, STOP])[1][0][0])


@pytest.fixture(scope="module")
def brief(database: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    directory = tmp_path_factory.mktemp("brief")
    out = directory / "brief.html"
    result = run_report(database, "--period", "14d", "--until", "2026-11-20", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"brief written: {out}" in result.stdout
    return out.read_text(encoding="utf-8")


def test_the_headline_figures_match_the_database(database: Path, brief: str) -> None:
    between = "created_at >= CAST(? AS TIMESTAMPTZ) AND created_at < CAST(? AS TIMESTAMPTZ)"
    posts = one(database, f"SELECT count(*) FROM posts WHERE {between}")
    stories = one(database, f"SELECT count(DISTINCT story_id) FROM posts WHERE {between}")
    assert posts > 100
    assert kpi(brief, "kpi-posts") == posts
    assert kpi(brief, "kpi-stories") == stories
    assert "2026-11-07 – 2026-11-20 (UTC)" in brief


def test_the_charts_are_embedded_images_that_decode(brief: str) -> None:
    sources = [attrs.get("src") or "" for tag, attrs in parse(brief).tags if tag == "img"]
    assert len(sources) == 3  # volume, sentiment, share of voice
    for source in sources:
        assert source.startswith("data:image/png;base64,")
        image = Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1])))
        image.load()
        assert image.width >= 600 and image.height >= 150


def test_nothing_is_fetched_from_anywhere(brief: str) -> None:
    page = parse(brief)
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed", "base"), tag
        for name in ("src", "srcset", "poster", "data", "background", "style"):
            value = attrs.get(name)
            assert value is None or value.startswith("data:"), (tag, name, value)
    assert "url(" not in page.css and "@import" not in page.css
    assert "default-src 'none'" in brief  # and the page forbids itself any request


def test_spikes_link_their_posts_and_hostile_text_stays_text(database: Path, brief: str) -> None:
    assert "<script>" not in brief
    assert "onerror=alert" not in brief.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in brief
    links = [attrs.get("href") for tag, attrs in parse(brief).tags if tag == "a"]
    assert links, "the spike posts are linked"
    assert all(link and link.startswith(("https://", "http://")) for link in links), links
    assert HOSTILE_URL in links  # the crafted link is one intact attribute value
    stored = {url for (url,) in run_query(database, "SELECT url FROM posts")[1]}
    assert set(links) <= stored
    spikes = brief.split("Top spikes and their posts", 1)[1].split("Share of voice", 1)[0]
    assert "Sun 08 Nov 2026" in spikes
    assert "Heartstopper" in spikes


def test_share_of_voice_and_rising_terms(brief: str) -> None:
    voice = brief.split("<h2>Share of voice</h2>", 1)[1].split("<h2>Rising terms</h2>", 1)
    for show in ("Heartstopper", "Young Royals", "Red, White &amp; Royal Blue"):
        assert f"<td>{show}</td>" in voice[0]
    assert "<td>trailer</td>" in voice[1]  # the demo trailer's word rose in its spike


def test_pdf_output(database: Path, tmp_path: Path) -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: the system's Pango library is missing
        pytest.skip(f"WeasyPrint cannot run here: {exc}")
    out = tmp_path / "brief.pdf"
    result = run_report(database, "--period", "14d", "--until", "2026-11-20", "--out", str(out))
    assert result.returncode == 0, result.stderr
    content = out.read_bytes()
    assert content.startswith(b"%PDF-")
    assert content.count(b"/Subtype /Image") >= 3
    assert "WARNING" not in result.stderr


def test_clear_errors(database: Path, tmp_path: Path) -> None:
    empty = run_report(
        database, "--period", "7d", "--until", "2030-01-07", "--out", str(tmp_path / "x.html")
    )
    assert empty.returncode == 1
    assert "no posts in 2030-01-01 – 2030-01-07 (UTC)" in empty.stderr
    assert "newest post: 2026-11-20" in empty.stderr
    nowhere = run_report(database, "--out", str(tmp_path / "missing" / "x.html"))
    assert nowhere.returncode == 2
    assert "cannot write" in nowhere.stderr and "does not exist" in nowhere.stderr
    directory = run_report(database, "--out", str(tmp_path))
    assert directory.returncode == 2 and "is a directory" in directory.stderr
    missing = run_report(tmp_path / "none.duckdb", "--out", str(tmp_path / "y.html"))
    assert missing.returncode == 2
    assert "does not exist yet" in missing.stderr
    assert not (tmp_path / "x.html").exists() and not (tmp_path / "y.html").exists()


def test_a_browser_opening_it_requests_nothing_else(brief: str, tmp_path: Path) -> None:
    """Chromium opens the file: the page is its only request, and its images all draw."""
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("chromium is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page_file = tmp_path / "brief.html"
    page_file.write_text(brief, encoding="utf-8")
    requested: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.goto(page_file.as_uri(), wait_until="load")
            drawn = page.evaluate(
                "() => [...document.images].map(i => i.complete && i.naturalWidth > 0)"
            )
            page.screenshot(path=str(ARTIFACTS / "brief.png"), full_page=True)
        finally:
            browser.close()
    assert drawn == [True, True, True]
    assert [url for url in requested if not url.startswith("data:")] == [page_file.as_uri()]
