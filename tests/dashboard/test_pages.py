"""The dashboard with Streamlit's AppTest: every page on sample data, filters, empty states."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from analytics.core.config import load_config
from analytics.core.filters import Filters
from analytics.core.models import RunBatch, RunRecord, SourceState
from analytics.queries.alerts import Alert
from analytics.queries.explore import POST_COLUMNS, Facets, count_posts, search_posts
from analytics.queries.kpis import kpis
from analytics.store import connect, prepare_database, run_query, store_batches, transaction
from analytics.store.alerts import record_new
from collector.once import collect_once
from dashboard import data as dashboard_data
from dashboard.data import csv_bytes
from dashboard.state import default_period
from fanpulse.demo import build_demo
from tests.conftest import REPO, write_config
from tests.support.feedserver import FeedServer, Reply

APP = str(REPO / "dashboard" / "app.py")
REPO_CONFIG = REPO / "config" / "fanpulse.toml"
PAGES = ["overview", "compare", "conversation", "attention", "explore", "health"]
HOSTILE = "<script>alert('x')</script> **bold** [click](javascript:alert(1)) `code`"

# Configured sources of the sample database: (kind, name, options). Post counts follow
# the order of SAMPLE_KINDS' weights.
SAMPLE_SOURCES: list[dict[str, Any]] = [
    {"kind": "rss", "name": "news", "url": "http://127.0.0.1:9/feed"},
    {"kind": "reddit", "name": "reddit-heartstopper", "subreddits": ["Heartstopper"]},
    {"kind": "mastodon", "name": "mastodon-social", "base_url": "http://127.0.0.1:9"},
    {"kind": "bluesky", "name": "bluesky", "queries": ["heartstopper"]},
    {"kind": "youtube", "name": "youtube", "channel_ids": ["UCxxxxxxxxxxxxxxxxxxxxxx"]},
    {"kind": "ao3", "name": "ao3", "tags": ["Heartstopper (Webcomic)"]},
]
SOURCE_WEIGHTS = [0.25, 0.25, 0.2, 0.15, 0.05, 0.1]
SHOW_WEIGHTS = {"heartstopper": 0.5, "young-royals": 0.25, "red-white-royal-blue": 0.17}
PREMIERE_DAYS_AGO = 20  # the sample events file puts a premiere here
TEMPLATES = [
    "Just rewatched {show} and I am not okay, {person} was incredible",
    "{show} season news: the cast is back and filming has started",
    "Is anyone else rewatching {show} this weekend? #rewatch",
    "{person} interview about {show} is so sweet, queer joy all the way",
    "I did not like the last episode of {show}, the pacing felt rushed",
    "New fanart for {show}! {person} as drawn in the comic #fanart",
    "The soundtrack of {show} lives in my head rent free",
    "Representation matters and {show} gets it right",
]
SPIKE_TEMPLATE = "The {show} trailer is finally here!!! #trailer {person} looks amazing"


def sample_config(make_config: Callable[..., Path], tmp_path: Path, *, events: bool = True) -> Path:
    """A config over the default watchlist with the sample sources and an events file."""
    extra = ""
    if events:
        day = (datetime.now(UTC) - timedelta(days=PREMIERE_DAYS_AGO)).date()
        (tmp_path / "events.toml").write_text(
            "[[events]]\n"
            'id = "heartstopper-s9"\nname = "Heartstopper season 9"\n'
            f'date = {day.isoformat()}\nkind = "premiere"\nentities = ["show:heartstopper"]\n'
            "[[events]]\n"
            'id = "young-royals-trailer"\nname = "Young Royals trailer"\n'
            f"date = {(day + timedelta(days=9)).isoformat()}\n"
            'kind = "trailer"\nentities = ["show:young-royals"]\n',
            encoding="utf-8",
        )
        extra = 'events = "events.toml"'
    return make_config(SAMPLE_SOURCES, extra=extra)


def build_sample_db(
    config_path: Path, *, posts: int = 20_000, days: int = 90, now: datetime | None = None
) -> None:
    """Fill the configured database with deterministic sample posts, mentions, page views,
    collection runs (one failing source) and a spike alert, ending at ``now``."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    config = load_config(config_path)
    rng = np.random.default_rng(7)
    watchlist = config.watchlist
    prepare_database(config.database_path, watchlist.entities())
    shows = [s for s in watchlist.shows if s.id in SHOW_WEIGHTS]
    weights = np.array([SHOW_WEIGHTS[s.id] for s in shows])
    show_index = rng.choice(len(shows), size=posts, p=weights / weights.sum())
    age_days = rng.uniform(0, days, size=posts)
    # A burst for the first show in the last day: a spike with its own words.
    burst = rng.random(posts) < 0.04
    show_index[burst] = 0
    age_days[burst] = rng.uniform(0, 1, size=burst.sum())
    created = [now - timedelta(days=float(a)) for a in age_days]
    source_index = rng.choice(len(SAMPLE_SOURCES), size=posts, p=SOURCE_WEIGHTS)
    sentiment = np.clip(rng.normal(0.25, 0.45, size=posts), -1, 1)
    template_index = rng.integers(0, len(TEMPLATES), size=posts)
    person_pick = rng.integers(0, 1_000, size=posts)
    with_person = rng.random(posts) < 0.4
    theme_pick = rng.integers(0, len(watchlist.themes), size=posts)
    with_theme = rng.random(posts) < 0.15
    lang = rng.choice(["en", "en", "en", "en", "es", "sv"], size=posts)
    likes = rng.integers(0, 500, size=posts)
    columns: dict[str, list[Any]] = {k: [] for k in ("post_id", "source", "source_name")}
    for key in ("channel", "url", "author", "title", "text", "lang", "likes", "shares"):
        columns[key] = []
    mention_rows: list[tuple[str, str, str]] = []
    for i in range(posts):
        show = shows[show_index[i]]
        people = show.people or []
        person = people[person_pick[i] % len(people)] if people else None
        source = SAMPLE_SOURCES[source_index[i]]
        template = SPIKE_TEMPLATE if burst[i] else TEMPLATES[template_index[i]]
        text = template.format(show=show.name, person=person.name if person else "the cast")
        if i == 0:
            text = f"{HOSTILE} {show.name}"
        post_id = f"{source['kind']}:sample-{i}"
        social = source["kind"] not in ("rss", "ao3")
        columns["post_id"].append(post_id)
        columns["source"].append(source["kind"])
        columns["source_name"].append(source["name"])
        columns["channel"].append(f"sample-{source['name']}")
        columns["url"].append(f"https://example.org/{source['kind']}/{i}")
        columns["author"].append(f"fan{int(person_pick[i]) % 400}")
        columns["title"].append(" ".join(text.split()[:6]) if source["kind"] == "rss" else None)
        columns["text"].append(text)
        columns["lang"].append(str(lang[i]))
        columns["likes"].append(int(likes[i]) if social else None)
        columns["shares"].append(int(likes[i]) // 5 if social else None)
        mention_rows.append((post_id, f"show:{show.id}", show.name))
        if person is not None and (with_person[i] or burst[i]):
            mention_rows.append((post_id, f"person:{person.id}", person.name))
        if with_theme[i] and watchlist.themes:
            mention_rows.append((post_id, f"theme:{watchlist.themes[theme_pick[i]].id}", "x"))
    labels = np.where(
        sentiment >= 0.05, "positive", np.where(sentiment <= -0.05, "negative", "neutral")
    )
    table = pa.table(
        {
            **columns,
            "created_at": pa.array(created, pa.timestamp("us", tz="UTC")),
            "collected_at": pa.array(created, pa.timestamp("us", tz="UTC")),
            "vader_compound": sentiment,
            "sentiment": sentiment,
            "sentiment_label": labels,
            "sentiment_version": ["sample"] * posts,
            "content_hash": columns["post_id"],
            "post_kind": ["article" if kind == "rss" else "post" for kind in columns["source"]],
        }
    )
    mentions = pa.table(
        {
            "post_id": [r[0] for r in mention_rows],
            "entity_id": [r[1] for r in mention_rows],
            "matched": [r[2] for r in mention_rows],
        }
    )
    names = ", ".join(table.column_names)
    with connect(config.database_path) as con, transaction(con):
        con.register("sample_posts", table)
        con.execute(f"INSERT INTO posts ({names}) SELECT {names} FROM sample_posts")
        con.register("sample_mentions", mentions)
        con.execute("INSERT INTO mentions SELECT * FROM sample_mentions")
        _add_pageviews(con, now, days)
        store_batches(con, _sample_runs(now))
        # The runs stand for the collection of the sample posts: say they brought some.
        con.execute("UPDATE collection_runs SET inserted = 40 WHERE status = 'ok'")
        record_new(con, [_sample_spike(now)], now)


def _add_pageviews(con: Any, now: datetime, days: int) -> None:
    """Daily page views for the shows, following their mentions (plus noise)."""
    con.execute(
        """
        INSERT INTO attention
        SELECT entity_id, 'wikipedia_pageviews', day, 40.0 * posts + 300 + hash(day) % 400,
               'wikipedia-pageviews', ?
        FROM (
            SELECT m.entity_id, CAST(timezone('UTC', p.created_at) AS DATE) AS day,
                   count(*) AS posts
            FROM posts p JOIN mentions m USING (post_id)
            WHERE m.entity_id LIKE 'show:%'
               OR m.entity_id IN ('person:kit-connor', 'person:joe-locke')
            GROUP BY ALL
        )
        """,
        [now],
    )


def _sample_runs(now: datetime) -> list[RunBatch]:
    """Every 6 hours for 3 days per source; "bluesky" has failed for the last 4 runs."""
    batches = []
    for source in SAMPLE_SOURCES:
        failing = source["name"] == "bluesky"
        for step in range(12, 0, -1):
            started = now - timedelta(hours=6 * step)
            error = failing and step <= 4
            run = RunRecord(
                source_name=source["name"],
                source=source["kind"],
                channel=f"sample-{source['name']}",
                started_at=started,
                finished_at=started + timedelta(seconds=3),
                status="error" if error else "ok",
                fetched=0 if error else 20,
                off_topic=0,
                http_status=503 if error else 200,
                error="HTTP 503 from the server" if error else None,
            )
            state = SourceState(
                source_name=source["name"],
                channel=f"sample-{source['name']}",
                source=source["kind"],
                next_due_at=now + timedelta(minutes=30),
                consecutive_failures=min(13 - step, 4) if failing and step <= 4 else 0,
                last_error="HTTP 503 from the server" if error else None,
                last_attempt_at=started,
                last_success_at=now - timedelta(hours=30) if failing else started,
            )
            batches.append(RunBatch(run=run, posts=[], states=[state]))
    return batches


def _sample_spike(now: datetime) -> Alert:
    day = now.replace(hour=0, minute=0, second=0)
    return Alert(
        alert_id=f"spike:show:heartstopper:{day.isoformat()}",
        kind="spike",
        happened_at=day,
        title=f"📈 Spike in mentions of Heartstopper ({day:%Y-%m-%d %H:%M} UTC)",
        message=f"640 posts vs a usual 110 (robust z 9.1).\nDriven by: trailer, #trailer.\n"
        f"• {HOSTILE} <https://example.org/x>",
        entity_id="show:heartstopper",
    )


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture(autouse=True)
def navigation_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the app as the server does after its first request: through st.navigation only.

    A ``pages/`` folder next to the entry point switches Streamlit into its legacy folder
    mode until ``st.navigation`` first runs; the server leaves it after one run, but
    AppTest re-enters it before every run, and then the sidebar is dropped on reruns.
    (The browser test covers the server's real first request.)
    """
    original = PagesManager.__init__

    def without_folder_mode(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        PagesManager.uses_pages_directory = False
        original(self, *args, **kwargs)

    monkeypatch.setattr(PagesManager, "__init__", without_folder_mode)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One populated config + database shared by the read-only tests of this module."""
    directory = tmp_path_factory.mktemp("sample")

    def make(sources: list[dict[str, Any]], **kwargs: Any) -> Path:
        return write_config(directory, sources, **kwargs)

    config = sample_config(make, directory)
    build_sample_db(config)
    return config


def open_app(config: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None) -> AppTest:
    monkeypatch.setenv("FANPULSE_CONFIG", str(config))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    if page is not None:
        app.switch_page(f"pages/{page}.py")
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def texts(app: AppTest) -> str:
    """Every text the page shows through markdown, captions, notes and headings."""
    parts = [
        *(e.value for e in app.markdown),
        *(e.value for e in app.caption),
        *(e.value for e in app.info),
        *(e.value for e in app.warning),
        *(e.value for e in app.success),
        *(e.value for e in app.error),
        *(e.value for e in app.title),
        *(e.value for e in app.header),
        *(e.value for e in app.subheader),
        *(e.value for e in app.text),
    ]
    return "\n".join(str(p) for p in parts)


def charts_on(app: AppTest) -> list[dict[str, Any]]:
    """The Vega-Lite specs of the charts the page drew."""
    return [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]


def select_entities(app: AppTest, *entity_ids: str) -> AppTest:
    app.multiselect(key="filter_entities").set_value(list(entity_ids))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


# ---------------------------------------------------------------- first run


def test_missing_database_gets_the_first_run_page(
    make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(make_config([]), monkeypatch)
    assert app.title[0].value == "Welcome to fanpulse"
    assert "No data yet" in app.info[0].value
    shown = texts(app)
    for step in ("make up", "fanpulse collect --once", "fanpulse demo"):
        assert step in shown
    assert not app.get("vega_lite_chart")


def test_empty_database_explains_failing_sources(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = feed_server.route("/down", Reply(status=503))
    config = make_config([{"kind": "rss", "name": "down", "url": url}])
    asyncio.run(collect_once(load_config(config)))
    app = open_app(config, monkeypatch)
    assert app.title[0].value == "Welcome to fanpulse"
    assert "No posts collected yet" in app.info[0].value
    table = app.dataframe[0].value
    assert list(table["source"]) == ["down"]
    assert "HTTP 503" in table["last error"][0]


# ---------------------------------------------------------------- every page on sample data


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_charts(
    sample: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    app = open_app(sample, monkeypatch, None if page == "overview" else page)
    expected = {"explore": "Explore posts", "health": "Collection health"}.get(
        page, page.capitalize()
    )
    assert app.title[0].value == expected
    if page == "explore":
        assert app.dataframe, "the post table"
    else:
        assert charts_on(app), "at least one chart"
    assert "No posts in this period" not in texts(app)


def test_overview_figures_come_from_the_selected_period(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(sample, monkeypatch)
    first, last = app.date_input(key="filter_period").value
    assert (last - first).days == 29, "the last 30 days by default"
    with connect(load_config(sample).database_path, read_only=True) as con:
        expected = kpis(
            con, Filters(start=day_start(first), end=day_start(last) + timedelta(days=1))
        )
    shown = metrics(app)
    assert shown["Mentions"] == f"{expected.current.posts:,}"
    assert shown["Average sentiment"] == f"{expected.current.avg_sentiment:+.2f}"
    assert shown["Top source"] == "News (RSS)"
    # The failing sample source makes the period incomplete, and the page says so.
    assert any("bluesky" in w.value and "failing" in w.value for w in app.warning)
    # Events of the period are drawn as rules on the time charts.
    layers = [layer for spec in charts_on(app) for layer in spec.get("layer", [])]
    assert any(layer.get("mark", {}).get("type") == "rule" for layer in layers)


def test_choosing_a_show_lowers_the_mentions(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_app(sample, monkeypatch)
    everything = int(metrics(app)["Mentions"].replace(",", ""))
    select_entities(app, "show:young-royals")
    one_show = int(metrics(app)["Mentions"].replace(",", ""))
    assert 0 < one_show < everything
    assert "Young Royals" in app.caption[0].value


def test_filters_stay_when_moving_between_pages(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = select_entities(open_app(sample, monkeypatch), "show:young-royals")
    app.switch_page("pages/explore.py")
    app.run()
    assert app.multiselect(key="filter_entities").value == ["show:young-royals"]
    table = app.dataframe[0].value
    assert len(table) > 0
    assert all("Young Royals" in names for names in table["entities"])


def test_choosing_a_show_compares_its_cast(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = select_entities(open_app(sample, monkeypatch, "compare"), "show:heartstopper")
    cast = next(
        spec for spec in charts_on(app) if spec.get("title") == "Cast: stories and share of voice"
    )
    # Bars are coloured by show: the legend lists the shows of the compared cast.
    assert cast["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["Heartstopper"]


@pytest.mark.parametrize("page", PAGES)
def test_a_selection_without_posts_says_so(
    sample: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    # The sample has no post about Handsome Devil.
    app = open_app(sample, monkeypatch, None if page == "overview" else page)
    select_entities(app, "show:handsome-devil")
    if page == "overview":
        assert metrics(app)["Mentions"] == "0"
    if page == "health":
        # Collection health is about the sources, whatever the entities chosen.
        assert app.dataframe[0].value["source"].tolist()[0] == "news"
    elif page == "attention":
        assert "No Wikipedia page views" in texts(app)
    else:
        assert "No posts in this period" in texts(app)


def test_explore_searches_text_and_labels(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_app(sample, monkeypatch, "explore")
    everything = len(app.dataframe[0].value)
    app.text_input(key="explore_text").set_value("TRAILER")
    app.multiselect(key="explore_labels").set_value(["negative"])
    app.run()
    table = app.dataframe[0].value
    assert 0 < len(table) < everything
    assert all("trailer" in text.lower() for text in table["text"])
    assert set(table["sentiment_label"]) == {"negative"}
    assert app.get("download_button")


def test_explore_search_is_data_not_sql(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_app(sample, monkeypatch, "explore")
    database = load_config(sample).database_path
    before = run_query(database, "SELECT count(*) FROM posts")[1][0][0]
    for attack in ("'; DROP TABLE posts; --", "%' OR '1'='1", "\\' UNION SELECT 1 --"):
        app.text_input(key="explore_text").set_value(attack)
        app.run()
        assert not app.exception, attack
        assert len(app.dataframe) == 0 or len(app.dataframe[0].value) == 0, attack
    assert run_query(database, "SELECT count(*) FROM posts")[1][0][0] == before


def test_post_text_is_shown_as_plain_text(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_app(sample, monkeypatch)
    # The spike explanation quotes a post: it is a text element, never markdown.
    assert any(HOSTILE in t.value for t in app.text)
    markdown = [*(m.value for m in app.markdown), *(c.value for c in app.caption)]
    assert not any("<script>" in m or "**bold**" in m for m in markdown)


# ---------------------------------------------------------------- the pieces


def day_start(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def test_conversation_keeps_people_and_publishers_apart(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(sample, monkeypatch, "conversation")
    tables = [t.value for t in app.dataframe if "platform" in t.value.columns]
    assert len(tables) == 2, "people and publishers"
    people, publishers = tables
    assert len(people) > 1 and len(publishers) > 0
    # People rank by engagement and come from social platforms; feeds are publishers.
    assert people["engagement"].is_monotonic_decreasing
    assert people["engagement"].iloc[0] > 0
    assert "News (RSS)" not in set(people["platform"])
    assert set(publishers["platform"]) == {"News (RSS)"}
    assert "engagement" not in publishers.columns
    assert people.duplicated(["author", "platform"]).sum() == 0


def test_conversation_terms_leave_out_the_watchlist(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(sample, monkeypatch, "conversation")
    charts = [c for c in app.get("vega_lite_chart") if "Rising terms" in c.proto.spec]
    assert charts, "the rising terms chart"
    frame = pa.ipc.open_stream(charts[0].proto.datasets[0].data.data).read_pandas()
    terms = set(frame["term"])
    watched = load_config(sample).watchlist
    names = {word.lower() for show in watched.shows for word in show.name.split()}
    names |= {
        word.lower()
        for show in watched.shows
        for person in show.people
        for word in person.name.split()
    }
    assert terms and not any(set(term.split()) & names for term in terms)
    assert any(" " in term for term in terms), "phrases, not only single words"


def test_default_period_ends_at_the_newest_post() -> None:
    today = date(2026, 5, 1)
    old = facets_between(datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 3, 10, 15, tzinfo=UTC))
    assert default_period(old, today) == (date(2026, 2, 9), date(2026, 3, 10))
    young = facets_between(datetime(2026, 4, 25, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC))
    assert default_period(young, today) == (date(2026, 4, 25), date(2026, 5, 1))


def facets_between(first: datetime, last: datetime) -> Facets:
    return Facets(first, last, (), (), (), ())


def test_search_matches_wildcards_literally(tmp_path: Path) -> None:
    config = sample_config(lambda s, **k: write_config(tmp_path, s, **k), tmp_path, events=False)
    build_sample_db(config, posts=500)
    with connect(load_config(config).database_path) as con:
        con.execute(
            "UPDATE posts SET text = '100% real_fan' WHERE post_id = 'rss:sample-1'"
            " OR post_id IN (SELECT post_id FROM posts WHERE source = 'rss' LIMIT 1)"
        )
        literal = count_posts(con, text="100% real_fan")
        assert literal >= 1
        # "%" and "_" are not wildcards: "100%_real" is not in any post.
        assert count_posts(con, text="100%_real") == 0
        assert count_posts(con, text="0% REAL") == literal
        found = search_posts(con, text="real_fan", limit=5)
        assert list(found.columns) == POST_COLUMNS
        assert found["text"].str.contains("real_fan").all()
        with pytest.raises(ValueError):
            search_posts(con, labels=("ecstatic",))


def test_csv_download_defuses_spreadsheet_formulas() -> None:
    frame = pd.DataFrame({"text": ['=HYPERLINK("x")', "fine", None], "n": [1, -2, 3]})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8"), newline="")))
    assert rows == [["text", "n"], ['\'=HYPERLINK("x")', "1"], ["fine", "-2"], ["", "3"]]


# Another process writing: it holds the file until killed.
HOLD_THE_FILE = (
    "import duckdb, sys, time\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "print('held', flush=True)\n"
    "time.sleep(60)\n"
)


def test_a_busy_database_gets_a_note_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = sample_config(lambda s, **k: write_config(tmp_path, s, **k), tmp_path, events=False)
    build_sample_db(config, posts=300)
    monkeypatch.setattr(dashboard_data, "READ_LOCK_TIMEOUT", 0.3)
    app = open_app(config, monkeypatch)  # figures load while the file is free
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLD_THE_FILE,
            str(load_config(config).database_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        select_entities(app, "show:young-royals")  # new figures to load: the file is held
        assert any("database is busy" in w.value for w in app.warning)
        assert not app.exception
    finally:
        holder.kill()
        holder.wait()


def test_health_shows_each_source_against_its_usual_volume(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(sample, monkeypatch, "health")
    table = app.dataframe[0].value.set_index("source")
    assert table.loc["bluesky", "status"] == "failing"
    assert "HTTP 503" in table.loc["bluesky", "last error"]
    news = table.loc["news"]
    assert news["status"] == "ok"
    assert news["usual per day"] > 0
    assert news["vs usual"] == pytest.approx(100 * news["new in 24 h"] / news["usual per day"])
    assert metrics(app)["Need attention"] == "1"


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`fanpulse demo` data for the repository's configuration: 20k posts, 120 days."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    start = (datetime.now(UTC) - timedelta(days=120)).date()
    build_demo(load_config(REPO_CONFIG), path, posts=20_000, start=start)
    return path


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_demo_data(
    demo_database: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    monkeypatch.setenv("FANPULSE_DB", str(demo_database))
    app = open_app(REPO_CONFIG, monkeypatch, None if page == "overview" else page)
    assert app.title[0].value != "Welcome to fanpulse"
    assert app.get("vega_lite_chart") or app.dataframe
    assert "No posts in this period" not in texts(app)
