"""Notes on days: added and listed on Overview, drawn on the time charts, stored in the file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from analytics.core.config import load_config
from analytics.queries.annotations import annotations
from analytics.store import connect
from dashboard.charts.events import NOTE_COLOUR
from tests.conftest import write_config
from tests.dashboard.test_pages import (
    HOSTILE,
    build_sample_db,
    charts_on,
    navigation_only,  # noqa: F401  (the autouse fixture, for this module too)
    open_app,
    sample_config,
    texts,
)

NOTE = "Influencer campaign went live"


@pytest.fixture
def writable(tmp_path: Path) -> Path:
    config = sample_config(lambda s, **k: write_config(tmp_path, s, **k), tmp_path)
    build_sample_db(config, posts=3_000, days=40)
    return config


def stored(config: Path) -> list[tuple]:
    with connect(load_config(config).database_path, read_only=True) as con:
        frame = annotations(con)
    return list(zip(frame["day"], frame["note"], strict=True))


def add_note(app: AppTest, day: object, text: str) -> AppTest:
    app.date_input(key="note_day").set_value(day)
    app.text_input(key="note_text").input(text)
    next(b for b in app.button if b.label == "Add note").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def drawn_on(app: AppTest) -> list[str]:
    """Each chart's spec and data (sent beside the spec as Arrow) as one text."""
    found = []
    for chart in app.get("vega_lite_chart"):
        rows = [
            pa.ipc.open_stream(d.data.data).read_all().to_pylist() for d in chart.proto.datasets
        ]
        found.append(chart.proto.spec + json.dumps(rows, default=str))
    return found


def test_a_note_added_on_overview_is_stored_listed_and_drawn(
    writable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(writable, monkeypatch)
    assert "No note on these days" in texts(app)
    day = (datetime.now(UTC) - timedelta(days=5)).date()
    add_note(app, day, f"  {NOTE}  ")
    assert stored(writable) == [(day, NOTE)]
    assert any(f"Note added to {day:%Y-%m-%d}" in s.value for s in app.success)
    assert f"{day:%Y-%m-%d}" in texts(app) and NOTE in texts(app)
    assert app.text_input(key="note_text").value == "", "the field is ready for the next note"
    # On both time charts of the same run, as a solid rule with its text.
    assert sum(NOTE in chart for chart in drawn_on(app)) == 2
    assert sum(NOTE_COLOUR in json.dumps(spec) for spec in charts_on(app)) == 2
    # And on the other pages' time charts.
    for page in ("compare", "attention"):
        app.switch_page(f"pages/{page}.py")
        app.run()
        assert any(NOTE in chart for chart in drawn_on(app)), page


def test_a_note_outside_the_period_is_kept_but_not_shown(
    writable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(writable, monkeypatch)
    day = (datetime.now(UTC) - timedelta(days=35)).date()
    add_note(app, day, "old campaign")
    assert stored(writable) == [(day, "old campaign")]
    assert "old campaign" not in texts(app)
    assert not any("old campaign" in chart for chart in drawn_on(app))
    app.selectbox(key="filter_preset").set_value("90d").run()
    assert "old campaign" in texts(app)


def test_a_note_is_text_and_an_empty_one_is_refused(
    writable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(writable, monkeypatch)
    day = (datetime.now(UTC) - timedelta(days=2)).date()
    add_note(app, day, "   ")
    assert any("The note was not added" in w.value for w in app.warning)
    assert stored(writable) == []
    add_note(app, day, HOSTILE)
    listed = [m.value for m in app.markdown if "alert" in m.value]
    assert listed and all("<script>" not in m for m in listed)


def test_a_note_can_be_removed(writable: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_app(writable, monkeypatch)
    day = (datetime.now(UTC) - timedelta(days=1)).date()
    add_note(app, day, "remove me")
    remove = [b for b in app.button if b.key and b.key.startswith("note_remove_")]
    assert len(remove) == 1
    remove[0].click()
    app.run()
    assert stored(writable) == []
    assert "remove me" not in texts(app)
