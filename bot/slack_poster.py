"""The gateway that posts change alerts to Slack: waits out rate limits itself, never retries a post blindly.

Slack answers 429 with `Retry-After` when a channel gets more than about a message a second: the poster
waits that long and tries again, as often as it takes, so no alert is dropped. A 5xx, a timeout or a
refused connection may or may not have posted, so it is not retried here: it raises SlackUnavailable, the
SQS message stays on the queue, and the alert store decides on redelivery what is still to do.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

from bot.messages import Message
from bot.settings import Settings

log = logging.getLogger("pkgwhen.alerts.slack")
# Slack says how long to wait; without a header, this.
DEFAULT_RETRY_AFTER_S = 1.0


class SlackUnavailable(Exception):
    """Slack could not be reached or failed (5xx, timeout): whether it acted is unknown."""


class SlackRejected(Exception):
    """Slack refused the call (`channel_not_found`, `not_in_channel`, `invalid_blocks` …)."""

    def __init__(self, method: str, error: str) -> None:
        super().__init__(f"{method}: {error}")
        self.error = error


def alert_client(settings: Settings) -> WebClient:
    """A WebClient for alerts: no automatic retries of 429 or 5xx (the poster decides), a short timeout."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=15,
        # Only a connection that failed before the request was sent is safe to retry blindly.
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
    )


class AlertPoster:
    """chat.postMessage and chat.update for alerts, counting calls and rate-limit waits."""

    def __init__(self, client: WebClient, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._client = client
        self._sleep = sleep
        self._lock = threading.Lock()
        self.calls = 0
        self.rate_limited = 0

    def post(self, channel: str, message: Message, *, thread_ts: str | None = None) -> str:
        """Post; return the new message's ts."""
        params: dict[str, Any] = {"channel": channel, "text": message.text, "blocks": list(message.blocks)}
        if thread_ts is not None:
            params["thread_ts"] = thread_ts
        response = self._call("chat.postMessage", params)
        return str(response["ts"])

    def update(self, channel: str, ts: str, message: Message) -> None:
        self._call("chat.update", {"channel": channel, "ts": ts, "text": message.text, "blocks": list(message.blocks)})

    def _call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        while True:
            with self._lock:
                self.calls += 1
            try:
                response = self._client.api_call(method, json=params)
                return dict(response.data) if isinstance(response.data, dict) else {}
            except SlackApiError as error:
                status = error.response.status_code
                if status == 429:
                    wait = _retry_after(error.response.headers)
                    with self._lock:
                        self.rate_limited += 1
                    log.info("Slack rate-limited %s in %s; waiting %.0f s", method, params.get("channel"), wait)
                    self._sleep(wait)
                    continue
                if status >= 500:
                    raise SlackUnavailable(f"{method}: HTTP {status}") from error
                raise SlackRejected(method, str(error.response.get("error", f"HTTP {status}"))) from error
            except json.JSONDecodeError as error:
                # An outage page from Slack's edge instead of the API's JSON.
                raise SlackUnavailable(f"{method}: not a Slack API answer ({error.msg})") from error
            except (SlackClientError, OSError, TimeoutError) as error:
                raise SlackUnavailable(f"{method}: {type(error).__name__}: {error}") from error


def _retry_after(headers: Any) -> float:
    value = None
    if headers is not None:
        for key in ("Retry-After", "retry-after"):
            found = headers.get(key) if hasattr(headers, "get") else None
            if found:
                value = found[0] if isinstance(found, list) else found
                break
    try:
        return max(0.0, float(value)) if value is not None else DEFAULT_RETRY_AFTER_S
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER_S
