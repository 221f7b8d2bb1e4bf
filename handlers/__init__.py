"""The Slack edge: listeners that parse, authorize, acknowledge, delegate to the core and render."""

from __future__ import annotations

from slack_bolt import App

from handlers import errors, who_changed
from handlers.commands import inventory, pkgwhen


def register(app: App) -> None:
    errors.register(app)
    pkgwhen.register(app)
    inventory.register(app)
    who_changed.register(app)
