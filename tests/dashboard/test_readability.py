"""Charts a marketer can read: small shows visible, whole-day ticks, uncut legends, and a
Collection health page that does not contradict itself."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts import indexed
from tests.dashboard.test_pages import (
    navigation_only,  # noqa: F401  (the autouse fixture, for this module too)
    open_app,
    sample,  # noqa: F401  (the shared sample database)
    texts,
)
from tests.dashboard.test_periods import open_link


def chart_rows(app: AppTest, index: int) -> list[dict]:
    chart = app.get("vega_lite_chart")[index]
    tables = [pa.ipc.open_stream(d.data.data).read_all() for d in chart.proto.datasets]
    return [row for table in tables for row in table.to_pylist()]


def test_indexing_puts_every_line_around_100() -> None:
    frame = pd.DataFrame(
        {
            "entity_id": ["big"] * 3 + ["small"] * 3 + ["none"] * 3,
            "stories": [900, 1000, 1100, 1, 2, 3, 0, 0, 0],
        }
    )
    shown = indexed(frame, "stories")
    assert list(shown["stories"]) == [90, 100, 110, 50, 100, 150, 0, 0, 0]


def test_each_line_against_its_own_average_from_the_toggle_and_the_address(
    sample: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = open_app(sample, monkeypatch)
    raw = chart_rows(app, 0)
    app.toggle(key="overview_indexed").set_value(True).run()
    assert app.query_params == {"indexed": "1"}
    rows = [r for r in chart_rows(app, 0) if "stories" in r and r.get("entity_id")]
    by_line: dict[str, list[float]] = {}
    for row in rows:
        by_line.setdefault(row["entity_id"], []).append(row["stories"])
    assert len(by_line) >= 3
    for values in by_line.values():
        assert sum(values) / len(values) == pytest.approx(100)
    assert "Index (100 = the line's average per day)" in json.dumps(
        json.loads(app.get("vega_lite_chart")[0].proto.spec)
    )
    assert raw != rows
    again = open_link(sample, monkeypatch, indexed="1")
    assert again.toggle(key="overview_indexed").value is True


def test_time_axes_tick_on_whole_days_and_legends_are_not_cut(
    sample: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = open_link(sample, monkeypatch, period="7d")
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    text = json.dumps(spec)
    assert '"tickCount": {"interval": "day", "step": 1}' in text
    assert '"labelLimit": 0' in text
    app = open_link(sample, monkeypatch, period="90d")
    text = json.dumps(json.loads(app.get("vega_lite_chart")[0].proto.spec))
    assert '"tickCount": {"interval": "day", "step": 12}' in text, "at most about 8 ticks"


def test_collection_health_does_not_contradict_its_banner(
    sample: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = open_app(sample, monkeypatch, "health")
    shown = texts(app)
    assert any("bluesky" in w.value for w in app.warning), "the failing sample source"
    assert "No source has gone silent or started failing recently" not in shown
    assert "No source alert has been recorded yet for the 1 source(s) above" in shown
