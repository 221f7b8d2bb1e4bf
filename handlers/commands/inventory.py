"""`/inventory`: the SSM inventory of a server — status and refresh."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond

from bot.errors import UsageError
from bot.messages import INVENTORY_USAGE, render_usage
from bot.services import Services
from handlers.errors import answering


def _wants_help(text: str) -> bool:
    return text.strip().lower() in {"", "help", "-h", "--help", "?"}


def acknowledge(ack: Ack, command: dict[str, Any]) -> None:
    if _wants_help(str(command.get("text", ""))):
        ack(response_type="ephemeral", **render_usage(INVENTORY_USAGE).payload())
        return
    ack()


def answer(respond: Respond, command: dict[str, Any], services: Services) -> None:
    text = str(command.get("text", ""))
    if _wants_help(text):
        return
    with answering(respond):
        raise UsageError(f"I did not understand `{text}`.", INVENTORY_USAGE)


def register(app: App) -> None:
    app.command("/inventory")(ack=acknowledge, lazy=[answer])
