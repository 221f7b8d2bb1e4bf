"""The gateway that posts change alerts to Slack and finds them again by the post key in their metadata.

Slack has no idempotency key on `chat.postMessage`, so a post is never re-sent blindly: each carries its
post key in the message's `metadata`, and after an ambiguous outcome (5xx, timeout, a dropped connection)
the worker looks the key up with `conversations.history` / `conversations.replies` before posting again.
The client retries only what is safe to retry: a 429 means Slack did not act, so slack_sdk's
`RateLimitErrorRetryHandler` waits out `Retry-After` and sends again — waiting on the worker's stop event,
so a stop never waits for Slack's minute. No connection-error retry handler: a reset can come after Slack
stored the post.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Iterator
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.core.settings import Settings
from bot.slack.messages import Message

log = logging.getLogger("pkgwhen.alerts.slack")

# The metadata event type of pkgwhen's alerts; its payload holds the post key.
POST_EVENT = "pkgwhen_alert"
# Slack answers these when the route's channel cannot take the bot's posts: an operator must act.
ROUTE_ERRORS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
# How far back a lookup reads at most (200 messages a page): more than a channel posts in minutes.
MAX_HISTORY_PAGES = 20
# Slack's clock and ours may differ a little: a lookup starts this long before the intent.
CLOCK_SKEW_S = 60.0


class SlackUnavailable(Exception):
    """Slack could not be reached or failed (5xx, timeout, reset): whether it acted is unknown."""


class SlackRejected(Exception):
    """Slack refused the call (`invalid_blocks`, `msg_too_long` …): it did not act."""

    def __init__(self, method: str, error: str) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error


class RouteBroken(SlackRejected):
    """The channel cannot take the bot's posts (`not_in_channel`, `channel_not_found`, `is_archived`)."""


class MissingScope(SlackRejected):
    """The app may not read the channel's history (`missing_scope`): it was installed without
    `channels:history` / `groups:history`. An operator must reinstall it."""


class SlackRateLimited(Exception):
    """Slack answered 429 and the worker is stopping, so the wait was cut short: Slack did not act."""


class StoppableRetryAfter(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, but its `Retry-After` wait ends when the worker stops (then no retry)."""

    def __init__(self, stopping: threading.Event, max_retry_count: int = 100) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._stopping = stopping
        self.waits = 0

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return not self._stopping.is_set() and super()._can_retry(
            state=state, request=request, response=response, error=error
        )

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        self.waits += 1
        wait = _retry_after(response.headers if response is not None else {}) + random.random()
        log.info("Slack rate-limited %s; waiting %.0f s", request.url.rsplit("/", 1)[-1], wait)
        if self._stopping.wait(wait):
            return  # stopping: no next attempt; the caller gets the 429
        state.next_attempt_requested = True
        state.increment_current_attempt()


def _retry_after(headers: dict[str, Any]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            found = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(found))
            except (TypeError, ValueError):
                break
    return 1.0


def alert_client(settings: Settings, stopping: threading.Event, *, timeout: int = 10) -> WebClient:
    """A WebClient for alerts: 429s waited out (until a stop), nothing else retried, a short timeout."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[StoppableRetryAfter(stopping)],
    )


class AlertPoster:
    """chat.postMessage (tagged with a post key), chat.update, and the lookup of a post key in a channel."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    @property
    def timeout_s(self) -> float:
        """How long a call may take before the client gives up (its outcome is then unknown)."""
        return float(self._client.timeout)

    def post(self, channel: str, message: Message, *, post_key: str, thread_ts: str | None = None) -> str:
        """Post; return the new message's ts. SlackUnavailable: it may or may not have been posted."""
        params: dict[str, Any] = {
            "channel": channel,
            "text": message.text,
            "blocks": list(message.blocks),
            "metadata": {"event_type": POST_EVENT, "event_payload": {"post_key": post_key}},
        }
        if thread_ts is not None:
            params["thread_ts"] = thread_ts
        return str(self._call("chat.postMessage", params)["ts"])

    def update(self, channel: str, ts: str, message: Message) -> None:
        """chat.update: the same text twice is harmless, so an unknown outcome is simply sent again later."""
        self._call("chat.update", {"channel": channel, "ts": ts, "text": message.text, "blocks": list(message.blocks)})

    def notice(self, channel: str, text: str) -> None:
        """A plain message for operators (a route that cannot be posted to)."""
        self._call("chat.postMessage", {"channel": channel, "text": text})

    def find(self, channel: str, post_key: str, *, since: float, thread_ts: str | None = None) -> str | None:
        """The ts of the message carrying `post_key` posted since `since` (in the thread `thread_ts`), or None.

        Raises SlackUnavailable when the channel cannot be read to the end of that time.
        """
        params: dict[str, Any] = {
            "channel": channel,
            "oldest": f"{max(0.0, since - CLOCK_SKEW_S):.6f}",
            "include_all_metadata": "true",
            "limit": 200,
        }
        method = "conversations.history"
        if thread_ts is not None:
            method, params["ts"] = "conversations.replies", thread_ts
        for page in self._pages(method, params):
            for message in page.get("messages", []):
                metadata = message.get("metadata") or {}
                if metadata.get("event_type") == POST_EVENT and metadata.get("event_payload", {}).get("post_key") == post_key:
                    return str(message["ts"])
        return None

    def _pages(self, method: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every page, through slack_sdk's cursor paging, at most MAX_HISTORY_PAGES."""
        try:
            response = self._client.api_call(method, http_verb="GET", params=params)
            for n, page in enumerate(response, 1):
                yield dict(page.data) if isinstance(page.data, dict) else {}
                if n >= MAX_HISTORY_PAGES and page.get("has_more"):
                    raise SlackUnavailable(f"{method}: more than {MAX_HISTORY_PAGES} pages since the post; cannot tell")
        except SlackApiError as error:
            raise self._failure(method, error) from error
        except (SlackClientError, OSError, json.JSONDecodeError) as error:
            raise SlackUnavailable(f"{method}: {type(error).__name__}: {error}") from error

    def _call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self._client.api_call(method, json=params)
        except SlackApiError as error:
            raise self._failure(method, error) from error
        except json.JSONDecodeError as error:
            # An outage page from Slack's edge instead of the API's JSON.
            raise SlackUnavailable(f"{method}: not a Slack API answer ({error.msg})") from error
        except (SlackClientError, OSError) as error:
            raise SlackUnavailable(f"{method}: {type(error).__name__}: {error}") from error
        return dict(response.data) if isinstance(response.data, dict) else {}

    @staticmethod
    def _failure(method: str, error: SlackApiError) -> Exception:
        status = error.response.status_code
        if status == 429:
            return SlackRateLimited(f"{method}: rate-limited (HTTP 429) and not sent again")
        if status >= 500:
            return SlackUnavailable(f"{method}: HTTP {status}")
        code = str(error.response.get("error", f"HTTP {status}"))
        if code == "missing_scope":
            return MissingScope(method, code)
        return RouteBroken(method, code) if code in ROUTE_ERRORS else SlackRejected(method, code)
