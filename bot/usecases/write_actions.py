"""Write actions — anything that runs something on a server: whether the asker may, and the audit claim that
keeps a run from starting twice. Shared by refreshing a server and asking who changed a package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.core.errors import LookupCoolingDown, PkgwhenError, RefreshCoolingDown, RequestRepeated
from bot.slack.access import GroupMembers, WritePolicy
from bot.slack.inventory_messages import duration
from bot.slack.messages import slack_date
from bot.store.audit import AuditEntry, Outcome, Refusal
from bot.usecases.services import Services


@dataclass(frozen=True)
class Asker:
    """The signed request's IDs: the only things decisions are made on (never display names)."""

    user_id: str
    channel_id: str
    trigger_id: str


@dataclass(frozen=True)
class WriteAction:
    """One kind of write action: its name in the allow-list and audit trail, and how a refusal is said."""

    name: str
    asked: str  # "You already asked {asked} {target}"
    # (target, started by, started at, wait) → the error that says another run is cooling down.
    cooling_down: Callable[[str, str, str, str], PkgwhenError]


REFRESH = WriteAction("/inventory refresh", "to refresh", RefreshCoolingDown)
REFRESH_ASSOCIATION = WriteAction("/inventory refresh --association", "to refresh", RefreshCoolingDown)
WHO_CHANGED = WriteAction("/pkgwhen … why", "who changed", LookupCoolingDown)


def authorize(services: Services, members: GroupMembers, who: Asker, action: WriteAction, target: str) -> None:
    """Default deny; a denial is audited too."""
    policy = WritePolicy.from_settings(services.settings)
    try:
        policy.authorize(action.name, who.user_id, who.channel_id, members)
    except PkgwhenError:
        services.audit.record(
            action=action.name,
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
    action: WriteAction,
    *,
    target: str,
    label: str,
    cooldown: timedelta,
    association_id: str = "",
) -> AuditEntry:
    """Record the write action, or refuse it: the same trigger again, or the same target within the cooldown."""
    claimed = services.audit.claim(
        action=action.name,
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
            raise RequestRepeated(label, slack_date(previous.at), asked=action.asked)
        raise action.cooling_down(label, previous.user_id, slack_date(previous.at), duration(claimed.wait))
    return claimed
