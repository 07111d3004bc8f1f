"""The digest: the brief emailed through a real SMTP server on loopback (aiosmtpd), by hand
(`fanpulse digest send --now`) and on the collector's clock; failures retried, recorded and
shown by `fanpulse status`; the password never shown anywhere."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from analytics.core.config import load_config
from analytics.store import run_query
from collector.daemon import Daemon
from collector.http import Fetcher
from collector.settings import collector_settings
from fanpulse.demo import build_demo
from fanpulse.digest_brief import DigestBrief
from tests.conftest import REPO, toml_value, write_config
from tests.e2e.test_cli import fanpulse
from tests.support.smtpserver import Inbox, SmtpServer, free_port

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

PASSWORD = "Sm7p-s3cret!pa55"
PASSWORD_ENV = "FANPULSE_TEST_SMTP_PASSWORD"
SENDER = "fanpulse@example.org"
RECIPIENTS = ["marketing@example.org", "social@example.org"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 days of demo posts up to now: the digest covers the days before today."""
    path = tmp_path_factory.mktemp("digest") / "demo.duckdb"
    start = (datetime.now(UTC) - timedelta(days=60)).date()
    build_demo(load_config(REPO / "config" / "fanpulse.toml"), path, posts=20_000, start=start)
    return path


@pytest.fixture
def database(demo: Path, tmp_path: Path) -> Path:
    """A copy per test: each records its own deliveries."""
    copy = tmp_path / "fanpulse.duckdb"
    shutil.copy(demo, copy)
    return copy


def digest_config(tmp_path: Path, database: Path, port: int, **options: object) -> Path:
    settings = {
        "enabled": True,
        "schedule": "weekly",
        "day": "monday",
        "time": "08:30",
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "sender": SENDER,
        "recipients": RECIPIENTS,
        "timeout": "5s",
        "retries": 2,
        "retry_backoff": "20ms",
        **options,
    }
    section = "[digest]\n" + "\n".join(f"{k} = {toml_value(v)}" for k, v in settings.items())
    return write_config(tmp_path, [], database=database, extra=section)


def deliveries(database: Path) -> list[tuple[object, ...]]:
    return run_query(
        database,
        "SELECT trigger, attempts, sent_at IS NOT NULL, error, recipients FROM digest_deliveries "
        "ORDER BY last_attempt_at",
    )[1]


def stored_text(database: Path) -> str:
    return json.dumps(run_query(database, "SELECT * FROM digest_deliveries")[1], default=str)


def test_the_digest_arrives_with_the_brief(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    inbox = Inbox(user=SENDER, password=PASSWORD)
    with SmtpServer(inbox) as server:
        config = digest_config(tmp_path, database, server.port, password_env=PASSWORD_ENV)
        result = fanpulse(config, "--log-level", "debug", "digest", "send", "--now")
    assert result.returncode == 0, result.stderr
    assert "sent to 2 recipients via 127.0.0.1" in result.stdout
    assert inbox.logins == [(SENDER, PASSWORD)]
    [message] = inbox.messages
    assert inbox.envelopes == [(SENDER, RECIPIENTS)]
    assert message["Subject"].startswith("fanpulse brief: everything watched, ")
    last = (datetime.now(UTC) - timedelta(days=1)).date()
    assert f"{last - timedelta(days=6):%Y-%m-%d} – {last:%Y-%m-%d}" in message["Subject"]
    assert "Posts: " in message.get_body(("plain",)).get_content()

    html = message.get_body(("html",)).get_content()
    cids = re.findall(r'src="cid:([^"]+)"', html)
    assert len(cids) == 3 and "data:image" not in html
    images = {
        part["Content-ID"].strip("<>"): part.get_content()
        for part in message.walk()
        if part.get_content_type() == "image/png"
    }
    assert set(images) == set(cids)
    for png in images.values():
        assert Image.open(io.BytesIO(png)).width >= 600

    [attached] = list(message.iter_attachments())
    assert attached.get_filename().startswith("fanpulse-brief-")
    page = attached.get_content()
    page = page.decode() if isinstance(page, bytes) else page
    assert page.startswith("<!DOCTYPE html>") and page.count('src="data:image/png;base64,') == 3
    for src in re.findall(r'src="data:image/png;base64,([^"]+)"', page):
        Image.open(io.BytesIO(base64.b64decode(src))).load()

    assert deliveries(database) == [("manual", 1, True, None, RECIPIENTS)]
    status = fanpulse(config, "status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert "Digest: digest of" in status.stdout and "delivered" in status.stdout
    for shown in (result.stdout, result.stderr, status.stdout, stored_text(database)):
        assert PASSWORD not in shown
    assert PASSWORD not in message.as_string()


def test_a_refused_connection_is_retried_then_recorded_and_shown_by_status(
    database: Path, tmp_path: Path
) -> None:
    config = digest_config(tmp_path, database, free_port())  # nothing listens there
    result = fanpulse(config, "digest", "send", "--now")
    assert result.returncode == 1
    assert "digest not delivered via 127.0.0.1" in result.stderr
    assert "after 3 attempts" in result.stderr and "ConnectionRefusedError" in result.stderr
    assert len(re.findall(r"digest: attempt \d of 3 failed", result.stderr)) == 3
    [(trigger, attempts, sent, error, _)] = deliveries(database)
    assert (trigger, attempts, sent) == ("manual", 3, False)
    assert "ConnectionRefusedError" in str(error)

    status = fanpulse(config, "status")
    assert status.returncode == 1
    assert "NOT delivered after 3 attempts" in status.stdout
    assert "none delivered yet" in status.stdout
    assert "the latest digest was not delivered" in status.stdout  # the verdict says why
    report = json.loads(fanpulse(config, "status", "--json").stdout)
    assert report["healthy"] is False
    assert report["digest"]["failing"] is True and report["digest"]["attempts"] == 3


def test_a_busy_server_is_retried_until_it_accepts(database: Path, tmp_path: Path) -> None:
    inbox = Inbox(fail_next=2)
    with SmtpServer(inbox) as server:
        config = digest_config(tmp_path, database, server.port, retries=3)
        result = fanpulse(config, "digest", "send", "--now")
    assert result.returncode == 0, result.stderr
    assert "(3 attempts)" in result.stdout
    assert inbox.attempts == 3 and len(inbox.messages) == 1
    assert deliveries(database) == [("manual", 3, True, None, RECIPIENTS)]
    assert "SMTP 451" in result.stderr  # each failed attempt is logged


def test_a_refused_login_is_not_retried_and_the_password_stays_secret(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    inbox = Inbox(user=SENDER, password="another-password")
    with SmtpServer(inbox) as server:
        config = digest_config(tmp_path, database, server.port, password_env=PASSWORD_ENV)
        result = fanpulse(config, "--log-level", "debug", "digest", "send", "--now")
        status = fanpulse(config, "status", "--json")
    assert result.returncode == 1
    assert "SMTP 535" in result.stderr and "after 1 attempts" in result.stderr
    # One attempt (in which smtplib tries each login method the server offers), no retry.
    assert inbox.logins and not inbox.messages
    [(_, attempts, sent, error, _)] = deliveries(database)
    assert (attempts, sent) == (1, False) and "SMTP 535" in str(error)
    for shown in (result.stdout, result.stderr, status.stdout, stored_text(database)):
        assert PASSWORD not in shown


def test_a_missing_password_variable_is_named(database: Path, tmp_path: Path) -> None:
    with SmtpServer(Inbox()) as server:
        config = digest_config(tmp_path, database, server.port, password_env="FANPULSE_UNSET_PW")
        result = fanpulse(config, "digest", "send", "--now")
    assert result.returncode == 1
    assert "FANPULSE_UNSET_PW (digest.password_env) is not set" in result.stderr


def test_the_collector_sends_it_on_its_clock(
    database: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    inbox = Inbox(user=SENDER, password=PASSWORD)
    caplog.set_level(logging.DEBUG)

    async def scenario(config_path: Path) -> datetime:
        config = load_config(config_path)
        async with Fetcher(collector_settings(config)) as fetcher:
            daemon = Daemon(config, fetcher, DigestBrief())
            daemon.start()
            try:
                job = daemon.scheduler.get_job("digest")
                assert job is not None
                await daemon._send_digest()  # what the clock runs at the time
                return job.next_run_time
            finally:
                await daemon.stop()

    with SmtpServer(inbox) as server:
        config = digest_config(tmp_path, database, server.port, password_env=PASSWORD_ENV)
        next_run = asyncio.run(scenario(config))
    assert (next_run.weekday(), next_run.hour, next_run.minute) == (0, 8, 30)
    assert next_run > datetime.now(UTC)
    assert len(inbox.messages) == 1
    [(trigger, attempts, sent, _, _)] = deliveries(database)
    assert (trigger, attempts, sent) == ("scheduled", 1, True)
    lines = [record.getMessage() for record in caplog.records]
    assert any(line.startswith("digest of") and "sent to 2" in line for line in lines)
    assert PASSWORD not in caplog.text


def test_digest_settings_are_checked_with_the_config(tmp_path: Path) -> None:
    incomplete = write_config(
        tmp_path, [], extra='[digest]\nenabled = true\nhost = "smtp.example.org"'
    )
    result = fanpulse(incomplete, "status")
    assert result.returncode == 2
    assert "digest" in result.stderr and "sender" in result.stderr and "recipients" in result.stderr
    bad = write_config(tmp_path, [], extra='[digest]\npassword_env = "not a name"')
    result = fanpulse(bad, "status")
    assert result.returncode == 2 and "password_env" in result.stderr
