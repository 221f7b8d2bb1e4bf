"""Write actions from Slack — anything that runs something on a server: who asks (by signed IDs), whether
they may, and the audit claim that keeps a run from starting twice. Shared by every such command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient

from bot.access import SlackGroupMembers, WritePolicy
from bot.audit import AuditEntry, Outcome, Refusal
from bot.errors import PkgwhenError, RefreshCoolingDown, RequestRepeated
from bot.messages import slack_date
from bot.render_inventory import duration
from bot.services import Services


@dataclass(frozen=True)
class Asker:
    """The signed request's IDs: the only things decisions are made on (never display names)."""

    user_id: str
    channel_id: str
    trigger_id: str

    @classmethod
    def from_command(cls, command: dict[str, Any]) -> Asker:
        return cls(str(command.get("user_id", "")), str(command.get("channel_id", "")), str(command.get("trigger_id", "")))

    @classmethod
    def from_click(cls, body: dict[str, Any]) -> Asker:
        return cls(
            str(body.get("user", {}).get("id", "")),
            str(body.get("channel", {}).get("id") or body.get("container", {}).get("channel_id", "")),
            str(body.get("trigger_id", "")),
        )


def authorize(services: Services, client: WebClient, who: Asker, action: str, target: str) -> None:
    """Default deny; a denial is audited too."""
    policy = WritePolicy.from_settings(services.settings)
    try:
        policy.authorize(action, who.user_id, who.channel_id, SlackGroupMembers(client, services.group_members))
    except PkgwhenError:
        services.audit.record(
            action=action,
            user_id=who.user_id,
            channel_id=who.channel_id,
            target=target,
            trigger_id=who.trigger_id,
            outcome=Outcome.DENIED,
        )
        raise


def claim(
    services: Services,
    who: Asker,
    action: str,
    *,
    target: str,
    label: str,
    cooldown: timedelta,
    association_id: str = "",
    done: str = "was refreshed",
    asked: str = "to refresh",
    hint: str = "the cooldown between refreshes of one server), or look at `/inventory status`.",
) -> AuditEntry:
    """Record the write action, or refuse it: the same trigger again, or the same target within the cooldown."""
    claimed = services.audit.claim(
        action=action,
        user_id=who.user_id,
        channel_id=who.channel_id,
        target=target,
        association_id=association_id,
        trigger_id=who.trigger_id,
        cooldown=cooldown,
    )
    if isinstance(claimed, Refusal):
        previous = claimed.previous
        if claimed.repeated:
            raise RequestRepeated(label, slack_date(previous.at), asked=asked)
        raise RefreshCoolingDown(label, previous.user_id, slack_date(previous.at), duration(claimed.wait), done=done, hint=hint)
    return claimed
