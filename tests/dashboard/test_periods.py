"""`fanpulse trends --days 30` and the dashboard's default 30 days: same days, same count."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.core.periods import last_days
from analytics.store import connect
from tests.conftest import write_config
from tests.dashboard.test_pages import (
    build_sample_db,
    navigation_only,  # noqa: F401  (the autouse fixture, for this module too)
    open_app,
    sample_config,
)
from tests.e2e.test_cli import fanpulse


def test_cli_and_dashboard_count_the_same_last_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = sample_config(lambda s, **k: write_config(tmp_path, s, **k), tmp_path, events=False)
    now = datetime.now(UTC).replace(microsecond=0)
    build_sample_db(config, posts=3_000, days=60, now=now)
    # The dashboard opens on the days up to the newest post: make that post today's.
    with connect(load_config(config).database_path) as con:
        con.execute(
            "UPDATE posts SET created_at = ? WHERE post_id ="
            " (SELECT post_id FROM posts ORDER BY created_at DESC LIMIT 1)",
            [now],
        )

    cli = fanpulse(config, "trends", "--entity", "show:heartstopper", "--days", "30")
    assert cli.returncode == 0, cli.stderr
    found = re.search(r"Mentions\s+([\d,]+)", cli.stdout)
    assert found, cli.stdout

    app = open_app(config, monkeypatch)
    app.multiselect(key="filter_entities").set_value(["show:heartstopper"]).run()
    assert not app.exception, [e.value for e in app.exception]
    shown = [m.value for m in app.metric if m.label == "Mentions"]

    assert shown == [found.group(1)]
    assert int(found.group(1).replace(",", "")) > 0
    label = last_days(30, now).label()
    assert label in cli.stdout
    assert app.sidebar.caption[0].value == label  # right under the period picker
