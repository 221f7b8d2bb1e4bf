"""The services object: the gateways, the clock and the long-lived caches the use cases are given.

Made once at start-up by the composition root (`bot.runtime.services.build_services`); the Slack edge
reaches it through Bolt's context."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.aws.associations import AssociationGateway
from bot.aws.clients import AwsClients
from bot.aws.config_history import ConfigHistory
from bot.aws.fleet import FleetGateway
from bot.aws.run_command import RunCommandGateway
from bot.core.caching import BoundedCache
from bot.core.servers import ServerRef
from bot.core.settings import Settings
from bot.slack.access import group_member_cache
from bot.store.audit import AuditTrail
from bot.store.item_index import ItemIndex
from bot.store.snapshots import SnapshotCache
from bot.store.span_store import SpanStore


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Injected into every listener as the `services` argument (Bolt injects context keys by name)."""

    settings: Settings
    aws: AwsClients
    history: ConfigHistory
    fleet: FleetGateway
    index: ItemIndex
    store: SpanStore
    associations: AssociationGateway
    audit: AuditTrail
    run_command: RunCommandGateway
    # The long-lived caches: each outlives the request that filled it.
    snapshots: SnapshotCache = field(default_factory=SnapshotCache)
    # Slack users' time-zone names ("" when Slack says none), trusted for an hour.
    zones: BoundedCache[str, str] = field(default_factory=lambda: BoundedCache(10_000, ttl_s=3600.0))
    # Members of the allow-listed user groups, trusted for a minute.
    group_members: BoundedCache[str, frozenset[str]] = field(default_factory=group_member_cache)
    clock: Callable[[], datetime] = field(default=utc_now)
    # How many slow answers run at once; more would only share the CPU and slow each other down.
    answer_slots: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(4))

    def __deepcopy__(self, memo: dict[int, object]) -> Services:
        # Bolt deep-copies the context for lazy listeners; services are shared, never copied.
        return self

    def server(self, node_id: str) -> ServerRef:
        """A server of the bot's own account and region, as the store knows it."""
        return ServerRef(node_id, region=self.settings.aws_region)

    def close(self) -> None:
        self.index.close()
        self.store.close()
        self.audit.close()
