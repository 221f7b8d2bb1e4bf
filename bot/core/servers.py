"""Which server a person means: node IDs, unique prefixes of them, Name tags and computer names."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.errors import AmbiguousServer, UnknownServer


@dataclass(frozen=True)
class ManagedServer:
    """A managed node as SSM (and EC2's Name tag) describe it; `managed` False for one known only to Config."""

    node_id: str
    name_tag: str | None = None
    computer_name: str | None = None
    platform: str | None = None
    ping_status: str | None = None
    agent_version: str | None = None
    last_ping: datetime | None = None
    managed: bool = True
    # EC2 LaunchTime, or SSM's registration date for a hybrid node: when a first-boot update would run.
    launched_at: datetime | None = None
    platform_type: str | None = None
    # Config recorded the server's inventory as deleted (terminated or deregistered) at this time.
    deleted_at: datetime | None = None

    @property
    def name(self) -> str:
        """What people call it: the Name tag, else the short computer name, else the ID."""
        return self.name_tag or (self.computer_name.split(".")[0] if self.computer_name else None) or self.node_id

    @property
    def label(self) -> str:
        """How the server is named in answers: `web-1 (i-0abc…)` or just the ID."""
        return f"{self.name} ({self.node_id})" if self.name != self.node_id else self.node_id


def _short_host(name: str) -> str:
    return name.split(".", maxsplit=1)[0].lower()


def resolve_server(wanted: str, servers: Sequence[ManagedServer]) -> ManagedServer:
    """The one server `wanted` names; AmbiguousServer or UnknownServer (with close names) otherwise."""
    key = wanted.strip().lower()
    by_id = {s.node_id.lower(): s for s in servers}
    if key in by_id:
        return by_id[key]
    if key.startswith(("i-", "mi-")):
        matches = [s for s in servers if s.node_id.lower().startswith(key)]
    else:
        matches = [s for s in servers if s.name_tag and s.name_tag.lower() == key]
        if not matches:
            matches = [
                s
                for s in servers
                if s.computer_name and key in {s.computer_name.lower(), _short_host(s.computer_name)}
            ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AmbiguousServer(wanted, [s.label for s in sorted(matches, key=lambda s: s.node_id)])
    raise UnknownServer(wanted, close_servers(key, servers))


def close_servers(key: str, servers: Sequence[ManagedServer], limit: int = 3) -> list[str]:
    names: dict[str, str] = {}
    for server in servers:
        names[server.node_id.lower()] = server.node_id
        if server.name_tag:
            names[server.name_tag.lower()] = server.name_tag
        if server.computer_name:
            names[_short_host(server.computer_name)] = _short_host(server.computer_name)
    close = difflib.get_close_matches(key, list(names), n=limit, cutoff=0.6)
    # A mistyped ID prefix is not close by ratio to a 17-hex ID; its first characters are.
    if not close and key.startswith(("i-", "mi-")) and len(key) > 3:
        close = [k for k in names if k.startswith(key[: max(3, len(key) - 2)])][:limit]
    return [names[c] for c in close]


@dataclass(frozen=True)
class ServerRef:
    """A server as the store keys it: its node ID in its account and region (either may be unknown)."""

    node_id: str
    account: str = ""
    region: str = ""


@dataclass(frozen=True)
class ServerNames:
    """What a server was called: its EC2 Name tag and its computer name (either may be unknown)."""

    name_tag: str | None = None
    computer_name: str | None = None
