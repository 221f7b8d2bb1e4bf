"""Which channel a change alert goes to: rules by account, region, server tag and package pattern, then a default.

The rules live in a file named by `PKGWHEN_ROUTES_FILE` (TOML, or JSON when the name ends in `.json`; the
README documents the format). Rules are tried in order and the first that matches decides; a change no
rule matches goes to `default_channel` (the file's, else `PKGWHEN_ALERT_CHANNEL`).
"""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
DEFAULT_ROUTE = "default channel"
_RULE_KEYS = frozenset({"name", "channel", "accounts", "regions", "tags", "packages"})


class RoutesError(ValueError):
    """The routes file cannot be used; the message names the file, the rule and what to fix."""


@dataclass(frozen=True)
class AlertRoute:
    """One rule: every condition given must hold (an empty one holds for everything)."""

    channel: str
    name: str = ""
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    # Server tag key → value pattern; every one must match the server's tag.
    tags: tuple[tuple[str, str], ...] = ()
    # The rule holds when any changed package matches any of these.
    packages: tuple[str, ...] = ()

    def matches(
        self, *, account: str, region: str, tags: Mapping[str, str], packages: Sequence[str]
    ) -> bool:
        if self.accounts and not _any_glob(account, self.accounts):
            return False
        if self.regions and not _any_glob(region, self.regions):
            return False
        for key, pattern in self.tags:
            value = tags.get(key)
            if value is None or not fnmatch.fnmatchcase(value.casefold(), pattern.casefold()):
                return False
        return not self.packages or any(_any_glob(p, self.packages) for p in packages)


@dataclass(frozen=True)
class AlertRoutes:
    """The rules in order, and where everything else goes."""

    routes: tuple[AlertRoute, ...] = ()
    default_channel: str = ""

    @property
    def uses_tags(self) -> bool:
        """Whether a rule looks at server tags: then a change cannot be routed until its tags are known."""
        return any(route.tags for route in self.routes)

    def route_for(
        self, *, account: str, region: str, tags: Mapping[str, str], packages: Sequence[str]
    ) -> AlertRoute | None:
        """The rule that decides a change (the default channel as a rule named so), or None when none does."""
        for route in self.routes:
            if route.matches(account=account, region=region, tags=tags, packages=packages):
                return route
        return AlertRoute(self.default_channel, DEFAULT_ROUTE) if self.default_channel else None

    def channel_for(
        self, *, account: str, region: str, tags: Mapping[str, str], packages: Sequence[str]
    ) -> str | None:
        """The channel for a change, or None when no rule matches and there is no default."""
        route = self.route_for(account=account, region=region, tags=tags, packages=packages)
        return route.channel if route is not None else None


def _any_glob(value: str, patterns: Sequence[str]) -> bool:
    folded = value.casefold()
    return any(fnmatch.fnmatchcase(folded, p.casefold()) for p in patterns)


def load_routes(path: Path | None, default_channel: str = "") -> AlertRoutes:
    """The routes in `path` (None: only the default channel); raise RoutesError on any mistake."""
    if path is None:
        return AlertRoutes((), default_channel)
    try:
        text = path.read_text()
    except OSError as exc:
        raise RoutesError(f"{path}: cannot read it ({exc.strerror})") from exc
    try:
        data: Any = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RoutesError(f"{path}: not valid {'JSON' if path.suffix == '.json' else 'TOML'} ({exc})") from exc
    return parse_routes(data, default_channel, source=str(path))


def parse_routes(data: Any, default_channel: str = "", *, source: str = "routes") -> AlertRoutes:
    if not isinstance(data, Mapping):
        raise RoutesError(f"{source}: expected a table with `default_channel` and `[[route]]` entries")
    unknown = set(data) - {"default_channel", "route"}
    if unknown:
        raise RoutesError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}; expected default_channel, route")
    default = data.get("default_channel", default_channel) or ""
    if default and not _CHANNEL_ID.match(str(default)):
        raise RoutesError(f"{source}: default_channel must be a channel ID (C…), not {default!r}")
    rules = data.get("route", [])
    if not isinstance(rules, list):
        raise RoutesError(f"{source}: `route` must be a list of tables ([[route]] in TOML)")
    return AlertRoutes(tuple(_rule(rule, n, source) for n, rule in enumerate(rules, 1)), str(default))


def _rule(rule: Any, number: int, source: str) -> AlertRoute:
    where = f"{source}: route {number}"
    if not isinstance(rule, Mapping):
        raise RoutesError(f"{where} is not a table")
    unknown = set(rule) - _RULE_KEYS
    if unknown:
        raise RoutesError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(_RULE_KEYS))}")
    channel = rule.get("channel")
    if not isinstance(channel, str) or not _CHANNEL_ID.match(channel):
        raise RoutesError(f"{where}: channel must be a channel ID (C…), not {channel!r}")
    tags = rule.get("tags", {})
    if not isinstance(tags, Mapping) or not all(isinstance(v, str) for v in tags.values()):
        raise RoutesError(f"{where}: tags must be a table of tag name = value pattern")
    return AlertRoute(
        channel=channel,
        name=str(rule.get("name", f"route {number}")),
        accounts=_strings(rule, "accounts", where),
        regions=_strings(rule, "regions", where),
        tags=tuple(sorted((str(k), v) for k, v in tags.items())),
        packages=_strings(rule, "packages", where),
    )


def _strings(rule: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = rule.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RoutesError(f"{where}: {key} must be a list of strings (patterns such as \"prod-*\")")
    return tuple(value)
