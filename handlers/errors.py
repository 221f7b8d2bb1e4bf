"""The one place where failures become Slack messages: errors a user can act on, and pkgwhen's own bugs."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.context.respond import Respond

from bot.errors import PkgwhenError
from bot.messages import Message, render_error, render_internal_error

log = logging.getLogger("pkgwhen.handlers")


class Reply:
    """The answer to one command, through its `response_url`: a placeholder first, then what replaces it."""

    def __init__(self, respond: Respond) -> None:
        self._respond = respond
        self._shown = False
        self.sent: list[Message] = []

    def send(self, message: Message, *, replace: bool = True) -> None:
        self._respond(
            response_type="ephemeral",
            replace_original=self._shown and replace,
            **message.payload(),
        )
        self._shown = True
        self.sent.append(message)


def reference() -> str:
    return uuid.uuid4().hex[:10]


@contextmanager
def answering(respond: Respond) -> Iterator[Reply]:
    """Run the slow part of a command; whatever goes wrong, the user gets a clear message, never silence."""
    reply = Reply(respond)
    try:
        yield reply
    except PkgwhenError as error:
        log.info("answered with %s: %s", type(error).__name__, error.what)
        reply.send(render_error(error))
    except Exception:
        ref = reference()
        log.exception("internal error while answering (reference %s)", ref)
        reply.send(render_internal_error(ref))


def register(app: App) -> None:
    @app.error
    def unexpected(error: Exception, body: dict[str, Any]) -> BoltResponse:
        """Errors raised before a listener acknowledged: still an answer, never a stack trace."""
        if isinstance(error, PkgwhenError):
            return BoltResponse(status=200, body=render_error(error).payload())
        ref = reference()
        log.error("internal error before acknowledging (reference %s)", ref, exc_info=error)
        return BoltResponse(status=200, body=render_internal_error(ref).payload())
