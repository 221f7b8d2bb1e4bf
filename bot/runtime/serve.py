"""`pkgwhen serve`: the bot for a real workspace — Socket Mode or HTTP mode, start-up checks, graceful stop."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

from slack_sdk.errors import SlackApiError

from bot.alerts.ledger import LedgerError
from bot.core.settings import Settings
from bot.runtime import logs
from bot.runtime.app import answer_pool, build_app, slack_client
from bot.runtime.services import build_services
from bot.runtime.startup import run_checks
from bot.runtime.worker import Running, alert_companion
from bot.slack.web import SlackHttpServer
from bot.usecases.services import Services

log = logging.getLogger("pkgwhen.serve")

# Workers that run alongside the bot: each starts from the services and returns how to stop it, its readiness
# and its failure (or None when it has nothing to do, as the alert worker without a queue). A companion that
# dies sets the event: the bot stops and exits non-zero.
Companion = Callable[[Services, threading.Event], Running | None]
companions: list[Companion] = [alert_companion]


def serve(settings: Settings, *, host: str = "0.0.0.0", say: Callable[[str], None] | None = None) -> int:
    """Run until SIGTERM or SIGINT; 0 after a clean stop, 1 when a fatal start-up check failed or a companion died."""
    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    logs.configure(
        settings.log_level, settings.log_format, secrets=(settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token)
    )
    services = build_services(settings)
    client = slack_client(settings)
    if not run_checks(services, client, say):
        say("pkgwhen: not started; fix what FAIL says above")
        services.close()
        return 1
    executor = answer_pool()
    app = build_app(services, client, executor=executor)
    stopping = threading.Event()
    socket_mode = bool(settings.slack_app_token)
    running: list[Running] = []

    def readiness() -> tuple[bool, list[str]]:
        ready, details = not stopping.is_set(), [] if not stopping.is_set() else ["stopping"]
        for companion in running:
            ok, lines = companion.readiness()
            ready, details = ready and ok, [*details, *lines]
        return ready, details

    # In Socket Mode, HTTP serves only the health endpoints: events come over the socket, unsigned.
    http = SlackHttpServer(app, host=host, port=settings.port, readiness=readiness, events=not socket_mode)

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info("signal %s: stopping; in-flight commands and messages finish first", signum)
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    http.start()
    socket = None
    if socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        socket = SocketModeHandler(app, settings.slack_app_token)
        failure = None
        try:
            socket.connect()  # type: ignore[no-untyped-call]
            if not socket.client.is_connected():
                failure = "the WebSocket to Slack did not open"
        except SlackApiError as error:
            failure = f"the app-level token was refused ({error.response.get('error', 'unknown')})"
        if failure is not None:
            say(
                f"FAIL Slack Socket Mode: {failure}; set SLACK_APP_TOKEN to the app's xapp- token "
                "(Basic Information → App-Level Tokens, scope connections:write)"
            )
            http.stop()
            executor.shutdown(wait=False)
            services.close()
            return 1
        say(f"pkgwhen: Socket Mode connected; health on {http.url}/healthz")
    else:
        say(f"pkgwhen: HTTP mode, Slack requests to {http.events_url}; health on {http.url}/healthz")
    failures: list[str] = []
    try:
        running.extend(companion for start in companions if (companion := start(services, stopping)) is not None)
    except LedgerError as error:
        failures.append(str(error))
        say(f"FAIL Alerts: {error}")
        stopping.set()
    stopping.wait()
    if socket is not None:
        close_within(socket.close, settings.stop_timeout.total_seconds(), "the Socket Mode connection")
    # Running companions stop first (within PKGWHEN_STOP_TIMEOUT): /readyz says why meanwhile.
    for companion in running:
        companion.stop()
    http.stop()
    executor.shutdown(wait=True)
    services.close()
    failures += [failure for companion in running if (failure := companion.failure()) is not None]
    if failures:
        say(f"pkgwhen: stopped because the alert worker cannot run: {failures[0]}")
        return 1
    say("pkgwhen: stopped")
    return 0


def close_within(close: Callable[[], object], seconds: float, what: str) -> bool:
    """Call `close`, waiting at most `seconds` for it: slack_sdk's built-in Socket Mode client can block in
    close() while its receiving thread holds the socket's lock (python-slack-sdk #1873/#1874). A stop that
    hangs there would keep the alert worker from its own orderly stop, so it is waited for, not for ever."""
    closer = threading.Thread(target=close, name=f"closing {what}", daemon=True)
    closer.start()
    closer.join(seconds)
    if closer.is_alive():
        log.warning("%s did not close within %.0f s; stopping without waiting for it", what, seconds)
        return False
    return True
