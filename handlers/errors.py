"""The one place where failures become Slack messages: errors a user can act on, and pkgwhen's own bugs."""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.context.respond import Respond

from bot.core.errors import PkgwhenError
from bot.runtime import logs
from bot.slack.messages import Message, render_error, render_internal_error

log = logging.getLogger("pkgwhen.handlers")


class ReplyRefused(Exception):
    """Slack did not take a reply (its `response_url` answered other than 200)."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"Slack refused the reply: HTTP {status} {body[:200]}")


class Reply:
    """The answer to one command, through its `response_url`: a placeholder first, then what replaces it."""

    def __init__(self, respond: Respond, *, replaces_original: bool = False) -> None:
        self._respond = respond
        # A button click answers in place of the message it was clicked on.
        self._shown = replaces_original
        self.sent: list[Message] = []

    def send(self, message: Message, *, in_channel: bool = False) -> None:
        """Show `message`: in place of what this reply showed before, or (in_channel) to everyone, as a new post.

        Raises ReplyRefused when Slack does not take it, so a refusal is never silent; a refused placeholder
        is only logged: the answer that replaces it still comes.
        """
        response = self._respond(
            response_type="in_channel" if in_channel else "ephemeral",
            replace_original=self._shown and not in_channel,
            **message.payload(),
        )
        status = getattr(response, "status_code", 200)
        if status != 200:
            refused = ReplyRefused(status, str(getattr(response, "body", "")))
            if not message.progress:
                raise refused
            log.warning("%s (a placeholder; the answer follows)", refused)
            return
        self._shown = self._shown or not in_channel
        self.sent.append(message)

    def send_failure(self, message: Message) -> None:
        """The last word of a failed answer: `message`, else its text alone, so no placeholder spins forever."""
        try:
            self.send(message)
        except Exception:
            log.exception("Slack refused an error message; sending its text alone")
            try:
                self.send(Message(text=message.text))
            except Exception:
                log.exception("Slack refused the error text too; the user sees no answer")


def reference() -> str:
    return uuid.uuid4().hex[:10]


@contextmanager
def answering(
    respond: Respond,
    slots: threading.BoundedSemaphore | None = None,
    *,
    replaces_original: bool = False,
    request: str | None = None,
) -> Iterator[Reply]:
    """Run the slow part of a command; whatever goes wrong, the user gets a clear message, never silence.

    `slots` bounds how many slow answers run at once (they wait their turn here, using no CPU).
    `request` (Slack's trigger_id) marks this thread's log lines, as the acknowledgement's were.
    """
    if request:
        logs.request_id.set(request[:24])
    reply = Reply(respond, replaces_original=replaces_original)
    try:
        with slots if slots is not None else contextlib.nullcontext():
            yield reply
    except PkgwhenError as error:
        log.info("answered with %s: %s", type(error).__name__, error.what)
        reply.send_failure(render_error(error))
    except Exception:
        ref = reference()
        log.exception("internal error while answering (reference %s)", ref)
        reply.send_failure(render_internal_error(ref))


def register(app: App) -> None:
    @app.error
    def unexpected(error: Exception, body: dict[str, Any]) -> BoltResponse:
        """Errors raised before a listener acknowledged: still an answer, never a stack trace."""
        if isinstance(error, PkgwhenError):
            return BoltResponse(status=200, body=render_error(error).payload())
        ref = reference()
        log.error("internal error before acknowledging (reference %s)", ref, exc_info=error)
        return BoltResponse(status=200, body=render_internal_error(ref).payload())
