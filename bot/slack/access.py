"""Who may run write actions: Slack user, user group and channel IDs from the settings; everyone else is denied.

Decisions use the IDs of the signed request (user_id, channel_id), never display names. A user group
counts through its members as Slack lists them (`usergroups.users.list`); if Slack cannot be asked,
group membership is not assumed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.caching import BoundedCache
from bot.core.errors import WriteDenied
from bot.core.settings import Settings

log = logging.getLogger("pkgwhen.access")

GroupMembers = Callable[[str], frozenset[str]]


@dataclass(frozen=True)
class WritePolicy:
    """The allow-list of write actions, by Slack ID; empty means nobody."""

    users: frozenset[str]
    usergroups: frozenset[str]
    channels: frozenset[str]
    contact: str

    @classmethod
    def from_settings(cls, settings: Settings) -> WritePolicy:
        return cls(
            settings.write_users, settings.write_usergroups, settings.write_channels, settings.access_contact
        )

    def allows(self, user_id: str, channel_id: str, members: GroupMembers) -> bool:
        if not user_id:
            return False
        if user_id in self.users or (channel_id and channel_id in self.channels):
            return True
        return any(user_id in members(group) for group in sorted(self.usergroups))

    def authorize(self, action: str, user_id: str, channel_id: str, members: GroupMembers) -> None:
        """Return if `user_id` in `channel_id` may run `action`; raise WriteDenied otherwise."""
        if not self.allows(user_id, channel_id, members):
            raise WriteDenied(action, user_id, self.contact)


class SlackGroupMembers:
    """Members of Slack user groups through `usergroups.users.list`, remembered in a long-lived cache.

    The cache outlives the request (the services object keeps it), so an allow-listed group is asked about
    once a minute, not on every click.
    """

    def __init__(self, client: WebClient, remembered: BoundedCache[str, frozenset[str]] | None = None) -> None:
        self._client = client
        self._remembered = remembered if remembered is not None else group_member_cache()

    def __call__(self, group_id: str) -> frozenset[str]:
        known = self._remembered.get(group_id)
        if known is not None:
            return known
        try:
            response = self._client.usergroups_users_list(usergroup=group_id)
        except SlackApiError as error:
            # Default deny: a group Slack cannot list grants nothing (and is not remembered).
            log.warning("cannot list members of user group %s: %s", group_id, error.response.get("error"))
            return frozenset()
        users = response.get("users") or []
        members = frozenset(str(u) for u in users) if isinstance(users, list) else frozenset()
        return self._remembered.put(group_id, members)


def group_member_cache(ttl_s: float = 60.0) -> BoundedCache[str, frozenset[str]]:
    """User groups' members, each trusted for a minute (a removal takes effect within it)."""
    return BoundedCache(1024, ttl_s=ttl_s)
