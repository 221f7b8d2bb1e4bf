"""pkgwhen's HTTP mode: Bolt's WSGI adapter served by waitress, beside the health endpoints.

waitress reads each request whole on its I/O thread before a worker thread sees it, so a client that
sends a body slowly, or never, holds no thread; its parser answers 400 to a malformed or negative
`Content-Length` and 413 past `MAX_BODY`. The Bolt app acknowledges on waitress's thread and hands
the slow answers to its own executor (`process_before_response`, bot/runtime/app.py), so an acknowledgement
never waits behind an answer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, cast

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("pkgwhen.web")

SLACK_PATH = "/slack/events"
MAX_BODY = 1024 * 1024
# An acknowledgement is milliseconds of CPU: a few threads keep up with a burst of them (measured with
# `python -m tests.bench.edge`); more would only take turns at the interpreter lock.
THREADS = 8
# A connection silent for this long is closed at waitress's next sweep (every 30 s); Slack gives up after 3 s.
IDLE_TIMEOUT_S = 30

# What /readyz reports: ready or not, and lines that say why (shown in the body either way).
Readiness = Callable[[], tuple[bool, list[str]]]


def always_ready() -> tuple[bool, list[str]]:
    return True, []


class SlackEvents(SlackRequestHandler):
    """Bolt's WSGI adapter, except that a body that is not UTF-8 gets 400 (Bolt's adapter would raise)."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        try:
            body = request.get_body()
        except UnicodeDecodeError:
            return BoltResponse(status=400, body="the request body is not UTF-8\n")
        return self.app.dispatch(BoltRequest(body=body, query=request.query_string, headers=request.get_headers()))


def pkgwhen_wsgi(app: App | None, readiness: Readiness = always_ready) -> WSGIApplication:
    """`GET /healthz`, `GET /readyz`, and Slack's `POST /slack/events` when there is an `app` to hand it to."""
    events = SlackEvents(app, SLACK_PATH) if app is not None else None

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        if method == "GET" and path == "/healthz":
            return _plain(start_response, "200 OK", ["ok"])
        if method == "GET" and path == "/readyz":
            ready, details = readiness()
            status = "200 OK" if ready else "503 Service Unavailable"
            return _plain(start_response, status, ["ready" if ready else "not ready", *details])
        if events is not None and path == SLACK_PATH:
            return events(environ, start_response)
        return _plain(start_response, "404 Not Found", ["not found"])

    return application


def _plain(start_response: StartResponse, status: str, lines: list[str]) -> list[bytes]:
    body = "".join(f"{line}\n" for line in lines).encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


class _Trigger(Protocol):
    def pull_trigger(self, thunk: Callable[[], object] | None = None) -> None: ...


class SlackHttpServer:
    """Serves `pkgwhen_wsgi` with waitress on `host:port` (port 0: any free one) from its own thread."""

    def __init__(
        self,
        app: App,
        host: str = "127.0.0.1",
        port: int = 0,
        readiness: Readiness = always_ready,
        *,
        events: bool = True,
        threads: int = THREADS,
    ) -> None:
        # waitress's sockets, kept here so that stop() can close the connections still open.
        self._map: dict[int, Any] = {}
        server = create_server(
            pkgwhen_wsgi(app if events else None, readiness),
            self._map,
            host=host,
            port=port,
            threads=threads,
            ident="pkgwhen",
            max_request_body_size=MAX_BODY,
            channel_timeout=IDLE_TIMEOUT_S,
            # A burst of Slack requests is many short connections: accept them all, and queue the rest in
            # the kernel rather than refusing them.
            connection_limit=1000,
            backlog=1024,
            expose_tracebacks=False,
        )
        assert isinstance(server, BaseWSGIServer)  # one listening address, so one server
        self._server = server
        # Typed here: waitress's type stubs call the trigger an int.
        self._trigger = cast(_Trigger, server.trigger)
        self._thread: threading.Thread | None = None
        self._stopped = False

    @property
    def url(self) -> str:
        host, port = self._server.getsockname()
        return f"http://{host}:{port}"

    @property
    def events_url(self) -> str:
        return self.url + SLACK_PATH

    def start(self) -> str:
        self._thread = threading.Thread(target=self._server.run, name="pkgwhen-http", daemon=True)
        self._thread.start()
        return self.url

    def stop(self, timeout: int = 10) -> None:
        """Stop accepting; requests already read are answered (for up to `timeout`); then close everything."""
        if self._stopped:
            return
        self._stopped = True
        server = self._server
        self._on_loop(lambda: wasyncore.dispatcher.close(server))
        deadline = time.monotonic() + timeout
        while self._busy() and time.monotonic() < deadline:
            time.sleep(0.01)
        if self._busy():
            log.warning("HTTP: stopped with requests still being answered")
        if not self._on_loop(lambda: wasyncore.close_all(self._map)):
            wasyncore.close_all(self._map)
        if self._thread is not None:
            self._thread.join(timeout=timeout)
        server.task_dispatcher.shutdown(timeout=timeout)

    def _on_loop(self, change: Callable[[], object]) -> bool:
        """Make `change` on waitress's I/O thread (its loop is single-threaded), woken by its trigger;
        False when that loop is not running."""
        if self._thread is None or not self._thread.is_alive():
            return False
        try:
            self._trigger.pull_trigger(change)
        except OSError:  # the trigger is closed: the loop has ended
            return False
        return True

    def _busy(self) -> bool:
        """A request is queued or being answered, or an answer is not yet sent."""
        dispatcher = self._server.task_dispatcher
        if dispatcher.queue or dispatcher.active_count:
            return True
        channels = [c for c in list(self._map.values()) if isinstance(c, HTTPChannel)]
        return any(c.requests or c.total_outbufs_len for c in channels)
