"""The one HTTP client every source shares, and the retry policy, written once.

- A polite User-Agent, redirects followed (at most 5), a total deadline per attempt (so a
  server trickling bytes cannot hold a worker), and a cap on the decoded body (so a gzip
  bomb or a runaway response stops at ``max_response_size``).
- Transient failures (connection errors, timeouts, 5xx, 429) are retried with exponential
  backoff and jitter. A ``Retry-After`` is obeyed when it is short; a longer one ends the
  attempt with :class:`FetchError` carrying ``retry_after``, which the runner turns into
  the source's next due time (never earlier than the server asked).
- At most ``concurrency`` requests at once, ``per_host_concurrency`` per host.

Why not tenacity or stamina: a Retry-After that ends in "reschedule, don't wait" would need
a custom wait, stop and predicate there, which is no shorter than this, and all of it is
tested against loopback.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpcore
import httpx

from collector.http_streams import CachedSocketBackend
from collector.settings import CollectorConfig

log = logging.getLogger(__name__)

RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}
ERROR_BODY_BYTES = 4096
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A request that failed for good (after retries); the message says why, for humans."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        retryable: bool = True,
        body: bytes = b"",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.body = body  # the start of an error response, for sources that read its reason
        self.retryable = retryable and (status is None or status in RETRYABLE_STATUS)


@dataclass(frozen=True, slots=True)
class FetchResponse:
    status: int
    url: str
    headers: httpx.Headers
    content: bytes

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def json(self) -> Any:
        """The body as JSON; a body that is not JSON fails like any bad answer would."""
        try:
            return json.loads(self.content)
        except ValueError as exc:  # JSONDecodeError and undecodable bytes alike
            host = httpx.URL(self.url).host
            raise FetchError(
                f"the answer from {host} is not valid JSON ({exc})"[:300],
                status=self.status,
                retryable=False,
            ) from None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def pooled_transport(limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """httpx's own transport, its pool checking idle connections cheaply (see
    :mod:`collector.http_streams`)."""
    transport = httpx.AsyncHTTPTransport(limits=limits)
    # httpx takes no network backend of its own; its pool (httpcore's) does.
    pool = transport._pool
    if not isinstance(pool, httpcore.AsyncConnectionPool):
        raise TypeError(f"unexpected httpx connection pool {type(pool).__name__}")
    pool._network_backend = CachedSocketBackend()
    return transport


class Fetcher:
    """Shared async client with the retry policy; one per process, closed at the end."""

    def __init__(
        self, settings: CollectorConfig, transport: httpx.AsyncBaseTransport | None = None
    ):
        self.settings = settings
        self._deadline = settings.timeout.total_seconds()
        limits = httpx.Limits(max_connections=settings.concurrency * 2)
        self._client = httpx.AsyncClient(
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self._deadline),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            transport=transport or pooled_transport(limits),
            limits=limits,
        )
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._host_slots: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.per_host_concurrency)
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> FetchResponse:
        """GET with retries; returns 2xx and 304 responses, raises :class:`FetchError`."""
        return await self.request("GET", url, headers=headers, params=params)

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        json: Any = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
    ) -> FetchResponse:
        host = httpx.URL(url).host
        attempts = self.settings.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                async with self._slots, self._host_slots[host]:
                    response = await self._attempt(
                        method, url, host, headers, params, data, json, auth
                    )
            except FetchError as exc:
                wait = self._retry_wait(exc, attempt)
                if attempt == attempts or wait is None:
                    raise
                log.debug("retrying %s in %.1fs after: %s", _redact(url), wait, exc)
                await asyncio.sleep(wait)
                continue
            return response
        raise AssertionError("unreachable: the loop returns or raises")

    def _retry_wait(self, exc: FetchError, attempt: int) -> float | None:
        """How long to wait before the next attempt, or None when retrying is pointless."""
        if not exc.retryable:
            return None
        if exc.retry_after is not None:
            if exc.retry_after > self.settings.max_retry_wait.total_seconds():
                return None  # the runner schedules the source for later instead
            return exc.retry_after
        base = self.settings.retry_backoff.total_seconds() * 2 ** (attempt - 1)
        return base * (0.5 + random.random() / 2)

    async def _attempt(
        self,
        method: str,
        url: str,
        host: str,
        headers: dict[str, str] | None,
        params: dict[str, Any] | None,
        data: dict[str, Any] | None,
        json: Any,
        auth: httpx.Auth | tuple[str, str] | None,
    ) -> FetchResponse:
        limit = self.settings.max_response_size
        try:
            async with asyncio.timeout(self._deadline):
                request = self._client.build_request(
                    method, url, headers=headers, params=params, data=data, json=json
                )
                response = await self._client.send(request, stream=True, auth=auth)
                try:
                    if response.status_code == 304:
                        # Read to its (empty) end: an unread response closes its
                        # connection, and each unchanged feed would cost a new handshake.
                        await response.aread()
                        body = b""
                    elif response.status_code >= 400:
                        body = await _read_start(response, ERROR_BODY_BYTES)
                    else:
                        body = await _read_capped(response, limit)
                finally:
                    await response.aclose()
        except TimeoutError:
            raise FetchError(f"no complete answer within {self._deadline:g}s (timeout)") from None
        except httpx.TooManyRedirects:
            raise FetchError(
                f"more than {MAX_REDIRECTS} redirects (redirect loop?)", retryable=False
            ) from None
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise FetchError(f"network error: {_describe(exc, host)}") from None
        status = response.status_code
        if status >= 400 or (300 <= status < 400 and status != 304):
            raise FetchError(
                f"HTTP {status} {response.reason_phrase}".strip(),
                status=status,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                body=body,
            )
        return FetchResponse(status, str(response.url), response.headers, body)


async def _read_start(response: httpx.Response, size: int) -> bytes:
    """The first ``size`` bytes of a body (an error page need not be read to the end)."""
    chunks: list[bytes] = []
    read = 0
    try:
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            read += len(chunk)
            if read >= size:
                break
    except (httpx.HTTPError, httpx.StreamError) as exc:
        # A reason is a courtesy: the status alone already says what failed.
        log.debug("could not read the error body: %s", exc)
    return b"".join(chunks)[:size]


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(
            f"response of {int(declared):,} bytes exceeds the {limit:,}-byte limit",
            retryable=False,
        )
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(
                    f"response exceeds the {limit:,}-byte limit (stopped reading)",
                    retryable=False,
                )
            chunks.append(chunk)
    except httpx.DecodingError as exc:
        raise FetchError(f"undecodable body: {exc}", retryable=False) from None
    return b"".join(chunks)


_DNS_FAILURES = ("Name or service not known", "name resolution", "nodename nor servname")


def _describe(exc: httpx.TransportError, host: str) -> str:
    text = str(exc) or type(exc).__name__
    if any(marker in text for marker in _DNS_FAILURES):
        return f"cannot resolve {host} (no network, or a DNS failure)"
    if "Connection refused" in text or "All connection attempts failed" in text:
        return f"cannot connect to {host} (refused or unreachable)"
    return f"{type(exc).__name__}: {text}"


def _redact(url: str) -> str:
    """Query strings may carry keys: logs show scheme, host and path only."""
    parsed = httpx.URL(url)
    return str(parsed.copy_with(query=None, fragment=None))
