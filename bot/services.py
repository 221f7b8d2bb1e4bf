"""What the Slack edge reaches through Bolt's context: the gateways and the clock, made once at start-up."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import boto3

from bot.access import group_member_cache
from bot.associations import AssociationGateway
from bot.audit import AuditTrail
from bot.aws import AwsClients
from bot.caching import BoundedCache
from bot.fleet_gateway import FleetGateway
from bot.history import ConfigHistory
from bot.index import HistoryIndex
from bot.pacing import Pacer
from bot.run_command import RunCommandGateway
from bot.settings import Settings
from bot.snapshots import SnapshotCache
from bot.span_store import ServerRef, SpanStore


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Injected into every listener as the `services` argument (Bolt injects context keys by name)."""

    settings: Settings
    aws: AwsClients
    history: ConfigHistory
    fleet: FleetGateway
    index: HistoryIndex
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

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utc_now,
        session: boto3.session.Session | None = None,
        pacer: Pacer | None = None,
    ) -> Services:
        """`pacer`: the history reader's (by default one on the real clock)."""
        aws = AwsClients.from_settings(settings, session)
        index = HistoryIndex(settings.index_path)
        store = SpanStore(settings.store_path)
        config = aws.config_service()
        return cls(
            settings=settings,
            aws=aws,
            history=ConfigHistory(
                aws.config_history(),
                index,
                concurrency=settings.history_concurrency,
                attempts=settings.aws_max_attempts,
                clock=clock,
                fresh_for=settings.history_fresh,
                pacer=pacer,
            ),
            fleet=FleetGateway(aws.ssm(), aws.ec2(), config, names=store),
            index=index,
            store=store,
            clock=clock,
            associations=AssociationGateway(aws.ssm(), aws.ssm_writes()),
            audit=AuditTrail(settings.state_dir / "audit.sqlite3", clock=clock),
            run_command=RunCommandGateway(aws.ssm(), aws.ssm_writes()),
        )

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
