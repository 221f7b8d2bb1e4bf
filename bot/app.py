"""The Bolt app: Slack client with retries, services in context, and the listeners from `handlers`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltContext
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.middleware.request_verification import RequestVerification
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

import handlers
from bot.services import Services
from bot.settings import Settings

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


class _TokenFromClient(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN is unused when given a client: pkgwhen builds that client from it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


class SignatureCheck(RequestVerification):
    """Bolt's signature check, but its failure log leaves out the body: it holds `response_url`, a bearer URL."""

    def _debug_log_error(self, signature: str, timestamp: str, body: object) -> None:
        log.warning("rejected a request with an invalid or stale Slack signature (timestamp %s)", timestamp)


def build_app(services: Services, client: WebClient | None = None, executor: ThreadPoolExecutor | None = None) -> App:
    settings = services.settings
    bolt_log = logging.getLogger("pkgwhen.bolt")
    if not any(isinstance(f, _TokenFromClient) for f in bolt_log.filters):
        bolt_log.addFilter(_TokenFromClient())
    app = App(
        client=client or slack_client(settings),
        signing_secret=settings.slack_signing_secret or None,
        # pkgwhen checks the token itself at start-up, with a clear message.
        token_verification_enabled=False,
        # Replaced by SignatureCheck below (HTTP mode only; Socket Mode has no signatures).
        request_verification_enabled=False,
        logger=bolt_log,
        # Bolt runs acknowledgements and the slow halves (lazy listeners) on this one pool: it must be large
        # enough that an acknowledgement never queues behind answers; answers limit themselves
        # (Services.answer_slots).
        listener_executor=executor or ThreadPoolExecutor(max_workers=64, thread_name_prefix="listener"),
    )
    if settings.slack_signing_secret and not settings.slack_app_token:
        app.use(SignatureCheck(settings.slack_signing_secret))

    @app.middleware
    def provide_services(context: BoltContext, next: Callable[[], None]) -> None:
        context["services"] = services
        next()

    handlers.register(app)
    return app
