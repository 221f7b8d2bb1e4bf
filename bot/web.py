"""pkgwhen's HTTP mode: a threaded HTTP server that hands Slack's requests to Bolt, plus health endpoints."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from slack_bolt import App, BoltRequest

log = logging.getLogger("pkgwhen.web")

SLACK_PATH = "/slack/events"
MAX_BODY = 1024 * 1024


class _Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: a burst of Slack requests would wait for TCP to retry.
    request_queue_size = 128
    daemon_threads = True


class SlackHttpServer:
    """Serves `POST /slack/events` (Bolt checks the signature), `GET /healthz` and `GET /readyz`."""

    def __init__(
        self,
        app: App,
        host: str = "127.0.0.1",
        port: int = 0,
        ready: Callable[[], bool] = lambda: True,
        *,
        events: bool = True,
    ) -> None:
        handler = _handler_for(app, ready, events)
        self._server = _Server((host, port), handler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def events_url(self) -> str:
        return self.url + SLACK_PATH

    def start(self) -> str:
        self._thread = threading.Thread(target=self._server.serve_forever, name="pkgwhen-http", daemon=True)
        self._thread.start()
        return self.url

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop accepting; requests being handled finish first."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)


def _handler_for(app: App, ready: Callable[[], bool], events: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "pkgwhen"

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/healthz":
                self._reply(200, b"ok\n", "text/plain")
            elif path == "/readyz":
                ok = ready()
                self._reply(200 if ok else 503, b"ready\n" if ok else b"not ready\n", "text/plain")
            else:
                self._reply(404, b"not found\n", "text/plain")

        def do_POST(self) -> None:
            split = urlsplit(self.path)
            if split.path != SLACK_PATH or not events:
                self._reply(404, b"not found\n", "text/plain")
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._reply(413, b"too large\n", "text/plain")
                return
            body = self.rfile.read(length).decode("utf-8")
            headers: dict[str, str | Sequence[str]] = {}
            for key, value in self.headers.items():
                previous = headers.get(key.lower())
                headers[key.lower()] = [*previous, value] if isinstance(previous, list) else [value]
            response = app.dispatch(BoltRequest(body=body, query=split.query, headers=headers))
            payload = (response.body or "").encode("utf-8")
            self.send_response(response.status)
            for name, values in response.headers.items():
                if name.lower() == "content-length":
                    continue
                for value in values:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _reply(self, status: int, payload: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            # Paths only (never bodies): a request line holds no response_url.
            log.debug("%s %s", self.address_string(), format % args)

    return Handler
