"""A cheaper "is this idle connection still alive?" for the shared client's connection pool.

Before each request, and each time a response is released, httpcore asks every idle pooled
connection whether its socket has become readable (the server closed it). Through anyio
that question costs ~30 µs: every ask rebuilds the stream's table of extra attributes,
calling ``getpeername`` and ``getsockname`` on the way. Over a poll of 1,000 unchanged
feeds it is asked tens of thousands of times: seconds of CPU for a poll whose real work
is 1,000 small requests. Here the socket is looked up once per connection and the question
is one ``poll()`` on it; everything else is anyio's, unchanged.
"""

from __future__ import annotations

import select
import socket
import ssl
import typing

import httpcore

READABLE_EVENTS = select.POLLIN | select.POLLERR | select.POLLHUP


def socket_readable(sock: socket.socket | None) -> bool:
    """True when a read would not block: data or end-of-stream waits, or the socket is
    gone. An idle HTTP/1.1 connection that is readable was closed by the server."""
    if sock is None or sock.fileno() < 0:
        return True
    poller = select.poll()
    poller.register(sock, READABLE_EVENTS)
    return bool(poller.poll(0))


class CachedSocketStream(httpcore.AsyncNetworkStream):
    """An anyio stream whose socket is looked up once, when the connection opens."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # TLS runs over the same socket, so the cached one stays right.
        inner = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return CachedSocketStream(inner)

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":
            return socket_readable(self._socket)
        return self._inner.get_extra_info(info)


class CachedSocketBackend(httpcore.AsyncNetworkBackend):
    """anyio's network backend, its streams wrapped in :class:`CachedSocketStream`."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return CachedSocketStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )
        return CachedSocketStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
