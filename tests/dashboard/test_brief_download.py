"""Overview offers the brief for download; Collection health shows how the digest is doing."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.store import connect
from analytics.store.digests import DeliveryRecord, record_delivery
from dashboard.brief_button import brief_bytes
from dashboard.state import CONTEXT_KEY
from tests.conftest import write_config
from tests.dashboard.test_pages import (  # noqa: F401  (fixtures used by name)
    SAMPLE_SOURCES,
    metrics,
    navigation_only,
    open_app,
    sample,
    texts,
)


def test_overview_offers_the_brief_of_its_filters(
    sample: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = open_app(sample, monkeypatch)
    buttons = [b for b in app.get("download_button") if "brief" in b.proto.label]
    assert len(buttons) == 1
    context = app.session_state[CONTEXT_KEY]
    page = brief_bytes(context).decode("utf-8")
    # The brief counts what Overview counts: stories by default, over the sidebar's period.
    stories = re.search(r'id="kpi-stories">.*?class="value">([\d,]+)<', page)
    assert stories and stories.group(1) == metrics(app)["Mentions"]
    first, last = app.date_input(key="filter_period").value
    assert f"{first:%Y-%m-%d} – {last:%Y-%m-%d} (UTC)" in page
    assert page.count('src="data:image/png;base64,') == 3


def test_health_shows_an_undelivered_digest(
    sample: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database = tmp_path / "copy.duckdb"
    shutil.copy(load_config(sample).database_path, database)
    config = write_config(tmp_path, SAMPLE_SOURCES, database=database)
    now = datetime.now(UTC)
    with connect(database) as con:
        record_delivery(
            con,
            DeliveryRecord(
                digest_id="weekly:2026-11-23:2026-11-29",
                trigger="scheduled",
                period_first=date(2026, 11, 23),
                period_last=date(2026, 11, 29),
                recipients=["team@example.org"],
                attempts=4,
                first_attempt_at=now - timedelta(minutes=5),
                last_attempt_at=now,
                sent_at=None,
                error="ConnectionRefusedError: [Errno 111] Connection refused",
            ),
        )
    app = open_app(config, monkeypatch, "health")
    errors = [e.value for e in app.error]
    assert any("NOT delivered after 4 attempts" in e and "Connection refused" in e for e in errors)
    assert "none delivered yet" in texts(app)
