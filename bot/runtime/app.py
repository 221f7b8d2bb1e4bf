"""The Bolt app: Slack client with retries, services in context, and the listeners from `handlers`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.middleware.request_verification import RequestVerification
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

import handlers
from bot.core.settings import Settings
from bot.usecases.services import Services

log = logging.getLogger("pkgwhen.app")


def slack_client(settings: Settings) -> WebClient:
    """A WebClient that waits out 429s (Retry-After) and retries 5xx a bounded number of times."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def answer_pool(threads: int = 64) -> ThreadPoolExecutor:
    """The pool the slow halves of listeners run on, its threads started now: a pool left to start them on
    demand would start each on the thread acknowledging a request, during the first burst of them."""
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="answer")
    started = threading.Barrier(threads + 1)
    for _ in range(threads):
        pool.submit(started.wait)
    started.wait()
    return pool


class _TokenFromClient(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN is unused when given a client: pkgwhen builds that client from it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


class SignatureCheck(RequestVerification):
    """Bolt's signature check, with two changes: a timestamp that is not a number or a signature that is not
    ASCII is refused like any bad signature (Bolt's verifier would raise on them), and the failure log leaves
    out the body: it holds `response_url`, a bearer URL."""

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:
        timestamp = req.headers.get("x-slack-request-timestamp", ["0"])[0]
        signature = req.headers.get("x-slack-signature", [""])[0]
        if not (timestamp.isascii() and timestamp.isdigit() and signature.isascii()):
            self._debug_log_error(signature, timestamp, req.raw_body)
            return self._build_error_response()
        return super().process(req=req, resp=resp, next=next)

    def _debug_log_error(self, signature: str, timestamp: str, body: object) -> None:
        log.warning("rejected a request with an invalid or stale Slack signature (timestamp %r)", timestamp[:32])


def build_app(services: Services, client: WebClient | None = None, executor: ThreadPoolExecutor | None = None) -> App:
    settings = services.settings
    bolt_log = logging.getLogger("pkgwhen.bolt")
    if not any(isinstance(f, _TokenFromClient) for f in bolt_log.filters):
        bolt_log.addFilter(_TokenFromClient())
    app = App(
        client=client or slack_client(settings),
        signing_secret=settings.slack_signing_secret or None,
        # Bolt's one auth.test, made now: left to the first requests, each of a burst would make it while
        # waiting to be acknowledged. (`pkgwhen serve` has already checked the token, with a clear message.)
        token_verification_enabled=True,
        # Replaced by SignatureCheck below (HTTP mode only; Socket Mode has no signatures).
        request_verification_enabled=False,
        logger=bolt_log,
        # Acknowledge on the thread that received the request (the HTTP server's, or Socket Mode's), and
        # only then hand the slow halves (lazy listeners) to the executor: an acknowledgement never waits
        # for a pool thread that answers hold. Answers limit themselves (Services.answer_slots).
        process_before_response=True,
        listener_executor=executor or answer_pool(),
    )
    if settings.slack_signing_secret and not settings.slack_app_token:
        app.use(SignatureCheck(settings.slack_signing_secret))

    @app.middleware
    def provide_services(context: BoltContext, next: Callable[[], None]) -> None:
        context["services"] = services
        next()

    handlers.register(app)
    return app
