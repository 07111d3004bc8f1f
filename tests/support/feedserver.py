"""A real HTTP server on 127.0.0.1 that plays the outside world for the tests.

Routes answer with scripted responses (a file, a status, a delay, an endless body, a
sequence of answers), honour ``If-None-Match`` with a 304 when a route has an ETag, and
every request is recorded with its headers so tests can assert what the client sent.
"""

from __future__ import annotations

import gzip
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # when set, a matching If-None-Match gets a 304
    delay: float = 0.0  # seconds before answering
    trickle: float = 0.0  # seconds between body chunks (a slow-loris server)
    endless: bool = False  # stream chunks until the client hangs up
    gzip: bool = False  # send the body gzip-encoded
    reset_after: int | None = None  # close the connection after this many body bytes

    @classmethod
    def file(cls, name: str, **kwargs: object) -> Reply:
        return cls(body=(FIXTURES / name).read_bytes(), **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    peer: str = ""  # the client's address and port: one per TCP connection


class _QuietServer(ThreadingHTTPServer):
    # Hundreds of feeds are fetched at once (the polling bench): with the default backlog of
    # 5, connections beyond it wait for SYN retransmits (1 s, 3 s …) and time out.
    request_queue_size = 1024

    def handle_error(self, request: object, client_address: object) -> None:
        # A client killed mid-request (the kill -9 tests) is expected, not a server fault.
        if isinstance(sys.exc_info()[1], ConnectionResetError | BrokenPipeError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class FeedServer:
    def __init__(self) -> None:
        self._routes: dict[str, list[Reply]] = {}
        self._dynamic: dict[str, Callable[[], Reply]] = {}
        self._answers: dict[str, Callable[[SeenRequest], Reply]] = {}
        self._lock = threading.Lock()
        self.requests: list[SeenRequest] = []
        self.body_bytes = 0  # response body bytes sent, all routes
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return  # keep test output clean; requests are recorded instead

            def do_GET(self) -> None:
                server._handle(self)

            def do_POST(self) -> None:
                server._handle(self)

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, *replies: Reply) -> str:
        """Answer ``path`` with these replies in turn (the last one repeats); return its URL."""
        with self._lock:
            self._routes[path] = list(replies)
        return self.url(path)

    def route_dynamic(self, path: str, make_reply: Callable[[], Reply]) -> str:
        """Answer ``path`` with whatever ``make_reply`` returns at request time."""
        with self._lock:
            self._dynamic[path] = make_reply
        return self.url(path)

    def route_answer(self, path: str, answer: Callable[[SeenRequest], Reply]) -> str:
        """Answer ``path`` with what ``answer`` makes of each request (its query, its body):
        an API that looks things up by the ids it is asked for."""
        with self._lock:
            self._answers[path] = answer
        return self.url(path)

    def hits(self, path: str) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.split("?")[0] == path]

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next_reply(self, path: str) -> Reply | None:
        with self._lock:
            dynamic = self._dynamic.get(path.split("?")[0])
        if dynamic is not None:
            return dynamic()
        with self._lock:
            replies = self._routes.get(path.split("?")[0])
            if not replies:
                return None
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        host, port = handler.client_address[:2]
        seen = SeenRequest(
            handler.command, handler.path, dict(handler.headers.items()), body, f"{host}:{port}"
        )
        with self._lock:
            self.requests.append(seen)
            answer = self._answers.get(handler.path.split("?")[0])
        reply = answer(seen) if answer is not None else self._next_reply(handler.path)
        if reply is None:
            reply = Reply(status=404, body=b"not found", content_type="text/plain")
        if reply.delay:
            time.sleep(reply.delay)
        if reply.etag and handler.headers.get("If-None-Match") == reply.etag:
            handler.send_response(304)
            handler.send_header("ETag", reply.etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        try:
            self._send(handler, reply)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up (timeout or size cap): that is the point of the test

    def _send(self, handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        if reply.etag:
            handler.send_header("ETag", reply.etag)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        if reply.endless or reply.trickle:
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            for chunk in _chunks(reply):
                handler.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                handler.wfile.flush()
                if reply.trickle:
                    time.sleep(reply.trickle)
            handler.wfile.write(b"0\r\n\r\n")
            return
        body = gzip.compress(reply.body) if reply.gzip else reply.body
        if reply.gzip:
            handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if reset_after := reply.reset_after:
            # Promise the whole body, send part of it, then drop the connection.
            handler.wfile.write(body[:reset_after])
            handler.wfile.flush()
            handler.connection.shutdown(socket.SHUT_RDWR)
            handler.close_connection = True
            return
        handler.wfile.write(body)
        with self._lock:
            self.body_bytes += len(body)


def _chunks(reply: Reply) -> Iterable[bytes]:
    if reply.endless:
        block = b"<item><title>Heartstopper</title></item>" * 1000
        deadline = time.monotonic() + 30  # bounded even if the client never hangs up
        while time.monotonic() < deadline:
            yield block
    else:
        for start in range(0, len(reply.body), 64):
            yield reply.body[start : start + 64]
