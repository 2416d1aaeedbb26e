"""A real HTTP server on 127.0.0.1 for tests: a folder of files plus programmable fault routes.

    server.route("/flaky.xml", Reply(500), server.file_reply("feeds/al-monitor.xml"))
    server.url("/flaky.xml")      # first request gets 500, later ones the feed

Files are served from the folder with ETag and Last-Modified (and 304 to a matching conditional
request); the text ``__BASE__`` in .xml/.html/.txt/.json files becomes the server's base URL, so
fixtures can link to other fixtures. Every request is recorded (``server.requests``) for asserts.
Tests take the ``http_server`` fixture after ``from tests.httpserver import http_server_fixture``.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import mimetypes
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

WEB_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"
_TEXT_SUFFIXES = {".xml", ".html", ".htm", ".txt", ".json"}
# Feeds as most servers send them: the XML declaration, not the header, names the charset.
_TYPES = {".xml": "application/rss+xml", ".json": "application/feed+json"}


@dataclass(frozen=True)
class Reply:
    """One programmed response. ``delay`` waits before the status line; ``stream`` sends the body in
    chunks without Content-Length (read until the connection closes); ``trickle`` sends one byte every
    ``trickle`` seconds, from the status line on (``trickle_body_only``: the headers at once, then the
    body byte by byte), until done or the client hangs up."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    stream: bool = False
    trickle: float = 0.0
    trickle_body_only: bool = False


@dataclass(frozen=True)
class Recorded:
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when the request arrived


class FaultServer:
    """A threaded HTTP server on a free loopback port."""

    def __init__(
        self,
        root: Path = WEB_FIXTURES,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.root = root
        self._routes: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        self.requests: list[Recorded] = []
        self._in_flight = 0
        self.max_in_flight = 0  # most requests handled at once: per-host concurrency tests read it
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        # Handler threads are joined on stop, so none is left running (or writing) at interpreter exit.
        self._httpd.daemon_threads = False
        self._httpd.block_on_close = True
        self.port = int(self._httpd.server_address[1])
        self.base = f"{'https' if tls else 'http'}://{host}:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fault-server", daemon=True
        )

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def route(self, path: str, *replies: Reply) -> str:
        """Serve ``replies`` in order at ``path`` (the last one repeats); returns the route's URL."""
        if not replies:
            raise ValueError("a route needs at least one reply")
        with self._lock:
            self._routes[path] = list(replies)
        return self.url(path)

    def file_body(self, relative: str) -> bytes:
        data = (self.root / relative).read_bytes()
        if Path(relative).suffix in _TEXT_SUFFIXES:
            data = data.replace(b"__BASE__", self.base.encode("ascii"))
        return data

    def file_reply(self, relative: str, **overrides: object) -> Reply:
        """A reply with a fixture file's body and its usual Content-Type."""
        headers = {"Content-Type": _content_type(Path(relative))}
        headers.update(overrides.pop("headers", {}))  # type: ignore[arg-type]
        return Reply(body=self.file_body(relative), headers=headers, **overrides)  # type: ignore[arg-type]

    def hits(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # -- used by the handler ---------------------------------------------------------------------------

    def _enter(self, delta: int) -> None:
        with self._lock:
            self._in_flight += delta
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _record(self, path: str, headers: dict[str, str]) -> Reply | None:
        with self._lock:
            self.requests.append(Recorded(path, headers, time.monotonic()))
            replies = self._routes.get(path)
            if not replies:
                return None
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _static(self, path: str, headers: dict[str, str]) -> Reply:
        relative = urlsplit(path).path.lstrip("/")
        file = (self.root / relative).resolve()
        if not relative or not file.is_file() or self.root.resolve() not in file.parents:
            return Reply(404, b"not found", {"Content-Type": "text/plain"})
        body = self.file_body(relative)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        modified = email.utils.formatdate(file.stat().st_mtime, usegmt=True)
        if headers.get("if-none-match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(
            200, body, {"Content-Type": _content_type(file), "ETag": etag, "Last-Modified": modified}
        )


def _content_type(path: Path) -> str:
    if path.suffix in _TYPES:
        return _TYPES[path.suffix]
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def _handler_for(server: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server._enter(+1)
            try:
                self._answer()
            finally:
                server._enter(-1)

        def _answer(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = server._record(self.path, headers) or server._static(self.path, headers)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.trickle:
                self._trickle(reply)
                return
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.stream:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for start in range(0, len(reply.body), 16_384):
                        self.wfile.write(reply.body[start : start + 16_384])
                        self.wfile.flush()
                else:
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout, size limit): that is what the test is about

        def _trickle(self, reply: Reply) -> None:
            head = f"HTTP/1.1 {reply.status} OK\r\n".encode("ascii")
            for name, value in {**reply.headers, "Content-Length": str(len(reply.body))}.items():
                head += f"{name}: {value}\r\n".encode("latin-1")
            head += b"\r\n"
            self.close_connection = True
            try:
                if reply.trickle_body_only:
                    self.wfile.write(head)
                    self.wfile.flush()
                    slow = reply.body
                else:
                    slow = head + reply.body
                for byte in slow:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(reply.trickle)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up: its deadline is what the test is about

        def log_message(self, format: str, *args: object) -> None:
            pass

        def handle(self) -> None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # clients hanging up are tested
                super().handle()

    return Handler


@pytest.fixture(name="http_server")
def http_server_fixture() -> Iterator[FaultServer]:
    """A started ``FaultServer``; import ``http_server_fixture`` into a test module to use ``http_server``."""
    server = FaultServer().start()
    try:
        yield server
    finally:
        server.stop()
