"""Slash command listeners, one module per command, each with `register(app)`."""

from __future__ import annotations

from typing import Any

from bot.core.mrkdwn import unescape_typed


def typed_text(command: dict[str, Any]) -> str:
    """What the person typed after the command; Slack sends `&`, `<`, `>` escaped (SLACK-NOTES)."""
    return unescape_typed(str(command.get("text", "")))
