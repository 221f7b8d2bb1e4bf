"""Who is asking: a Slack user's time zone (from `users.info`), remembered for an hour."""

from __future__ import annotations

import logging
import threading
import time
from datetime import tzinfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.query import zone_for

log = logging.getLogger("pkgwhen.people")
_TTL = 3600.0
_zones: dict[str, tuple[float, str | None]] = {}
_lock = threading.Lock()


def user_zone(client: WebClient, user_id: str) -> tuple[tzinfo, str]:
    """The user's tz and its name; UTC when Slack does not say (or cannot be asked)."""
    now = time.monotonic()
    with _lock:
        cached = _zones.get(user_id)
    if cached and now - cached[0] < _TTL:
        return zone_for(cached[1])
    name: str | None = None
    try:
        response = client.users_info(user=user_id)
        user = response.get("user") or {}
        name = user.get("tz") if isinstance(user, dict) else None
    except SlackApiError as error:
        log.info("no time zone for %s (%s); using UTC", user_id, error.response.get("error"))
    with _lock:
        _zones[user_id] = (now, name)
    return zone_for(name)
