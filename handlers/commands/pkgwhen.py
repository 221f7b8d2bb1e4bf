"""`/pkgwhen`: every version change of a package on a server."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond

from bot.errors import UsageError
from bot.messages import PKGWHEN_USAGE, render_error, render_usage
from bot.services import Services
from handlers.errors import answering


def _wants_help(text: str) -> bool:
    return text.strip().lower() in {"", "help", "-h", "--help", "?"}


def acknowledge(ack: Ack, command: dict[str, Any]) -> None:
    text = str(command.get("text", ""))
    if _wants_help(text):
        ack(response_type="ephemeral", **render_usage(PKGWHEN_USAGE).payload())
        return
    ack()


def answer(respond: Respond, command: dict[str, Any], services: Services) -> None:
    text = str(command.get("text", ""))
    if _wants_help(text):
        return
    with answering(respond) as reply:
        reply.send(render_error(UsageError(f"I did not understand `{text}`.", PKGWHEN_USAGE)))


def register(app: App) -> None:
    app.command("/pkgwhen")(ack=acknowledge, lazy=[answer])
