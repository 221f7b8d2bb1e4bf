"""`/inventory`: a server's SSM inventory status, and refreshing it now — checked, claimed, started once,
followed to the end, and what changed.

The Slack listener parses, renders and replies; everything between lives here: the checks said before
anything starts, the audit claim, the one attempt at the write, the observations that move a
`RefreshRun`, and the change summary the alerts would post.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from botocore.exceptions import ClientError

from bot.aws.associations import AssociationGateway
from bot.aws.clients import error_code
from bot.aws.config_history import ConfigHistory
from bot.aws.fleet import FleetGateway
from bot.core.change_summary import ChangeSummary, summarize
from bot.core.config_items import InventoryKind, InventorySnapshot
from bot.core.errors import AssociationChanged, InventoryNotSetUp, NotManaged, RunRefused, ServerOffline
from bot.core.nodes import AssociationRun, InventoryAssociation, NodeStatus, WriteOutcome, WriteResult
from bot.core.refresh import Observation, RefreshContext, RefreshRun, Stage, follow
from bot.core.servers import ManagedServer, ServerRef
from bot.core.timeline import RecordedLife, recorded_life
from bot.slack.access import GroupMembers
from bot.slack.messages import slack_date
from bot.store.audit import AuditEntry, Outcome
from bot.store.span_store import SpanStore
from bot.usecases.answers import find_server, read_history
from bot.usecases.services import Services
from bot.usecases.write_actions import REFRESH, REFRESH_ASSOCIATION, Asker, authorize, claim

_STAGE_OUTCOME = {
    Stage.RECORDED: Outcome.RECORDED,
    Stage.UNCHANGED: Outcome.UNCHANGED,
    Stage.NOT_COLLECTED: Outcome.NOT_COLLECTED,
    Stage.NOT_RECORDED: Outcome.NOT_RECORDED,
    Stage.FAILED: Outcome.FAILED,
}
# Waits between polls; never set, so `wait(t)` simply waits t seconds without holding anything.
_between_polls = threading.Event()

# Called once per new stage of a run being followed, with what the run is about.
Progress = Callable[[RefreshRun, RefreshContext], None]


@dataclass(frozen=True)
class InventoryStatus:
    """`/inventory status`: SSM's view of a managed server, or Config's recorded life of a retired one."""

    label: str
    node: NodeStatus | None
    association: InventoryAssociation | None
    captured: datetime | None
    recorded: RecordedLife | None


@dataclass(frozen=True)
class AssociationToConfirm:
    """A refresh of a whole association waits for a click: this is what the confirmation says."""

    server: ManagedServer
    association: InventoryAssociation
    targets: int


@dataclass(frozen=True)
class RefreshDone:
    """A followed run, over: its last stage, and what changed where Config (or SSM) shows it."""

    run: RefreshRun
    about: RefreshContext
    summary: ChangeSummary | None
    server_name: str  # what the summary calls the server, as the alerts do
    previous_capture: datetime | None
    association_run: AssociationRun | None = None


def inventory_status(services: Services, wanted: str) -> InventoryStatus:
    server = find_server(services, wanted)
    node = services.associations.node_status(server.node_id) if server.managed else None
    association = services.associations.inventory_association(server.node_id) if node is not None else None
    captured = services.associations.capture_time(server.node_id) if node is not None else None
    recorded = recorded_life(read_history(services, server).snapshots) if node is None else None
    return InventoryStatus(server.label, node, association, captured, recorded)


def refresh_server(
    services: Services, members: GroupMembers, who: Asker, wanted: str, *, progress: Progress
) -> RefreshDone:
    """`/inventory refresh SERVER`: one server's inventory collected now (Run Command, one attempt)."""
    authorize(services, members, who, REFRESH, wanted)
    server = find_server(services, wanted)
    association = _preflight(services, server)
    entry = claim(
        services,
        who,
        REFRESH,
        target=server.node_id,
        label=server.label,
        cooldown=services.settings.refresh_cooldown,
        association_id=association.association_id,
    )
    return _run(
        services,
        entry,
        server,
        association,
        write=lambda: services.associations.refresh_node(server.node_id, association.association_id),
        about=RefreshContext(
            server.label, who.user_id, "this server only", services.settings.refresh_timeout, association.schedule
        ),
        progress=progress,
    )


def confirm_association_refresh(
    services: Services, members: GroupMembers, who: Asker, wanted: str
) -> AssociationToConfirm:
    """`/inventory refresh SERVER --association`: checked now, run only when the confirmation is clicked."""
    authorize(services, members, who, REFRESH_ASSOCIATION, wanted)
    server = find_server(services, wanted)
    association = _preflight(services, server)
    targets = services.associations.target_count(association.association_id)
    services.audit.record(
        action=REFRESH_ASSOCIATION.name,
        user_id=who.user_id,
        channel_id=who.channel_id,
        target=_association_target(association),
        association_id=association.association_id,
        trigger_id=who.trigger_id,
        outcome=Outcome.CONFIRMING,
    )
    return AssociationToConfirm(server, association, targets)


def refresh_association(
    services: Services,
    members: GroupMembers,
    who: Asker,
    node_id: str,
    association_id: str,
    *,
    progress: Progress,
) -> RefreshDone:
    """The confirmation was clicked: everything checked again with the click's own IDs, then the run."""
    authorize(services, members, who, REFRESH_ASSOCIATION, node_id)
    server = find_server(services, node_id)
    association = _preflight(services, server)
    if association.association_id != association_id:
        raise AssociationChanged(server.label, node_id)
    targets = services.associations.target_count(association_id)
    entry = claim(
        services,
        who,
        REFRESH_ASSOCIATION,
        target=_association_target(association),
        label=server.label,
        cooldown=services.settings.refresh_cooldown,
        association_id=association.association_id,
    )
    how = f"the whole association {association.name} ({targets} servers), followed on this one"
    return _run(
        services,
        entry,
        server,
        association,
        write=lambda: services.associations.run_association(association_id),
        about=RefreshContext(server.label, who.user_id, how, services.settings.refresh_timeout, association.schedule),
        progress=progress,
        whole=True,
    )


def _preflight(services: Services, server: ManagedServer) -> InventoryAssociation:
    """Said before anything starts: not managed, inventory not set up, agent offline."""
    node = services.associations.node_status(server.node_id) if server.managed else None
    if node is None:
        raise NotManaged(server.label)
    association = services.associations.inventory_association(server.node_id)
    if association is None:
        raise InventoryNotSetUp(server.label)
    if node.ping_status != "Online":
        seen = slack_date(node.last_ping) if node.last_ping is not None else "unknown"
        raise ServerOffline(server.label, node.ping_status, seen)
    return association


def _association_target(association: InventoryAssociation) -> str:
    return f"association/{association.association_id}"


def _run(
    services: Services,
    entry: AuditEntry,
    server: ManagedServer,
    association: InventoryAssociation,
    *,
    write: Callable[[], WriteResult],
    about: RefreshContext,
    progress: Progress,
    whole: bool = False,
) -> RefreshDone:
    """Start the run (one attempt), follow it to the end, summarize what changed; the audit entry follows along."""
    try:
        previous_capture = services.associations.capture_time(server.node_id)
        started = services.clock()
        result = write()
    except ClientError as error:
        services.audit.finish(entry, Outcome.REJECTED)
        raise RunRefused(error_code(error), str(error.response.get("Error", {}).get("Message", ""))) from error
    except BaseException:
        services.audit.finish(entry, Outcome.REJECTED)
        raise
    services.audit.finish(entry, Outcome.STARTED if result.outcome is WriteOutcome.STARTED else Outcome.UNKNOWN)
    observer = Observer(
        services.associations,
        services.history,
        services.store,
        services.server(server.node_id),
        services.fleet,
        clock=services.clock,
        command_id=result.command_id,
        association_id=None if result.command_id else association.association_id,
    )
    run = RefreshRun(
        server.node_id,
        started,
        previous_capture,
        about.timeout,
        confirmed=result.outcome is WriteOutcome.STARTED,
    )

    def show(current: RefreshRun) -> None:
        if not current.finished:
            progress(current, about)

    try:
        final = follow(
            run, observer, show, wait=_between_polls.wait, interval=services.settings.refresh_poll_interval
        )
    except BaseException:
        services.audit.finish(entry, Outcome.FAILED)
        raise
    services.audit.finish(entry, _STAGE_OUTCOME[final.stage])
    return RefreshDone(
        final,
        about,
        _summary(services, observer, final),
        server.name,
        previous_capture,
        services.associations.latest_run(association.association_id, started) if whole else None,
    )


def _summary(services: Services, observer: Observer, run: RefreshRun) -> ChangeSummary | None:
    """The same summary the change alerts post: Config's new item against its previous one."""
    watchlist = services.settings.watchlist
    if run.stage is Stage.RECORDED:
        recorded = observer.last_recorded or observer.recorded(run)
        if recorded.current is None:
            return None
        return summarize(recorded.previous, recorded.current, watchlist=watchlist)
    if run.stage is Stage.NOT_RECORDED and observer.ssm_capture is not None:
        latest = (observer.last_recorded or observer.recorded(run)).current
        return summarize(latest, observer.ssm_capture, watchlist=watchlist)
    return None


@dataclass(frozen=True)
class Recorded:
    """Config's items around a refresh: the newest before it and the new one (None when none)."""

    previous: InventorySnapshot | None
    current: InventorySnapshot | None


class Observer:
    """Makes observations of one run from the gateways; remembers what later messages need."""

    def __init__(
        self,
        associations: AssociationGateway,
        history: ConfigHistory,
        store: SpanStore,
        server: ServerRef,
        fleet: FleetGateway,
        *,
        clock: Callable[[], datetime],
        command_id: str | None = None,
        association_id: str | None = None,
    ) -> None:
        self._associations = associations
        self._history = history
        self._store = store
        self._server = server
        self._fleet = fleet
        self._clock = clock
        self._command_id = command_id
        self._association_id = association_id
        self.ssm_capture: InventorySnapshot | None = None
        # What the last observation read of Config: the run's end is told from it, so its summary needs no
        # second read.
        self.last_recorded: Recorded | None = None

    def __call__(self, run: RefreshRun) -> Observation:
        if run.stage in (Stage.REQUESTED, Stage.RUNNING):
            status = self._run_status(run)
            return Observation(
                at=self._clock(), run_status=status, captured_at=self._associations.capture_time(run.node_id)
            )
        recorded = self.last_recorded = self.recorded(run)
        if recorded.current is not None and recorded.current.captured_at >= run.started_at.replace(
            microsecond=0
        ):
            return Observation(at=self._clock(), recorded_at=recorded.current.captured_at)
        return Observation(at=self._clock(), content_changed=self._differs(run, recorded.current))

    def _run_status(self, run: RefreshRun) -> str | None:
        if self._command_id is not None:
            return self._associations.command_status(self._command_id, run.node_id)
        if self._association_id is not None:
            latest = self._associations.latest_run(self._association_id, run.started_at)
            return latest.status if latest is not None else None
        return None

    def recorded(self, run: RefreshRun) -> Recorded:
        """Config's newest item with packages before the run, and the newest one at all."""
        # A refresh waits for a new item: read Config whatever the store's freshness window says.
        self._history.read_spans(self._server, self._store, fresh=True)
        items = self._store.items(self._server)
        if not items:
            return Recorded(None, None)
        cutoff = run.started_at.replace(microsecond=0)
        current = items[-1]
        before = [f for f in items if f.captured_at < cutoff and f.packages_known]
        wanted = [current.captured_at] + ([before[-1].captured_at] if before else [])
        whole = {s.captured_at: s for s in self._store.snapshots_at(self._server, wanted)}
        return Recorded(whole.get(before[-1].captured_at) if before else None, whole.get(current.captured_at))

    def _differs(self, run: RefreshRun, latest: InventorySnapshot | None) -> bool:
        current = self._fleet.current_inventory(run.node_id, {kind.value: [] for kind in InventoryKind})
        self.ssm_capture = InventorySnapshot(
            node_id=run.node_id,
            captured_at=current.captured_at or run.captured_at or run.started_at,
            state_id="ssm-inventory",
            status="OK",
            packages=current.packages,
            platform=latest.platform if latest is not None else None,
        )
        if latest is None or not latest.packages_known:
            return True
        return dict(latest.package_states()) != dict(self.ssm_capture.package_states())
