"""Who is asking: a Slack user's time zone (from `users.info`), remembered for an hour."""

from __future__ import annotations

import logging
from datetime import tzinfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.caching import BoundedCache
from bot.core.query import zone_for

log = logging.getLogger("pkgwhen.people")


def user_zone(client: WebClient, user_id: str, zones: BoundedCache[str, str]) -> tuple[tzinfo, str]:
    """The user's tz and its name; UTC when Slack does not say (or cannot be asked).

    `zones` holds each user's zone name ("" when Slack said none) and outlives the request.
    """
    cached = zones.get(user_id)
    if cached is not None:
        return zone_for(cached or None)
    name: str | None = None
    try:
        response = client.users_info(user=user_id)
        user = response.get("user") or {}
        name = user.get("tz") if isinstance(user, dict) else None
    except SlackApiError as error:
        log.info("no time zone for %s (%s); using UTC", user_id, error.response.get("error"))
    zones.put(user_id, str(name or ""))
    return zone_for(name)
