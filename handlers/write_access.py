"""Who asks for a write action, read from the signed request (never display names), and the Slack side of the
allow-list: user-group members as Slack lists them, remembered in the services object's cache."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.slack.access import GroupMembers, SlackGroupMembers
from bot.usecases.services import Services
from bot.usecases.write_actions import Asker


def asker_of_command(command: dict[str, Any]) -> Asker:
    return Asker(str(command.get("user_id", "")), str(command.get("channel_id", "")), str(command.get("trigger_id", "")))


def asker_of_click(body: dict[str, Any]) -> Asker:
    return Asker(
        str(body.get("user", {}).get("id", "")),
        str(body.get("channel", {}).get("id") or body.get("container", {}).get("channel_id", "")),
        str(body.get("trigger_id", "")),
    )


def group_members(services: Services, client: WebClient) -> GroupMembers:
    return SlackGroupMembers(client, services.group_members)
