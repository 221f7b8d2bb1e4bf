"""Answering `/pkgwhen`: which server, its history (index first), the timeline or the moment, rendered.

Used alike by the Slack listener, the share and page buttons, and `pkgwhen ask` in a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.config_items import InventoryKind, one_report_per_package
from bot.core.errors import NotAskable, PackageNeverSeen, UnknownServer
from bot.core.lookup import Lookup
from bot.core.mrkdwn import escape
from bot.core.query import Mode, PackageQuery
from bot.core.servers import ManagedServer, resolve_server
from bot.core.timeline import VersionChange, build_timeline, close_names, state_at
from bot.core.transactions import PACKAGE_NAME_PATTERN
from bot.slack.buttons import WhoChangedButton
from bot.slack.messages import Message
from bot.slack.plaintext import mrkdwn_to_text
from bot.slack.timeline_messages import (
    Asked,
    Freshness,
    RefreshAdvice,
    change_line,
    is_stale,
    render_point_in_time,
    render_timeline,
)
from bot.store.span_store import StoredHistory
from bot.usecases.services import Services

Report = Callable[[str], None]


def find_server(services: Services, wanted: str) -> ManagedServer:
    try:
        return resolve_server(wanted, services.fleet.servers())
    except UnknownServer:
        # Perhaps a retired server, called by a name only its history still holds.
        if not services.fleet.learn_retired_names():
            raise
        return resolve_server(wanted, services.fleet.servers())


def read_history(
    services: Services, server: ManagedServer, package: str | None = None, report: Report | None = None
) -> StoredHistory:
    """The server's history from the store, after reading what Config recorded since: its items, holding
    the packages `package` names (a name or a glob; None: the items alone)."""
    told = False

    def progress(done: int, total: int) -> None:
        nonlocal told
        # One progress update for long reads: response_url takes 5 messages, the answer needs one.
        if report is not None and not told and total >= 20 and done >= total // 2:
            told = True
            report(f"Reading the history of {escape(server.label)}: {done} of {total} weeks read…")

    ref = services.server(server.node_id)
    services.history.read_spans(ref, services.store, progress=progress)
    folded = services.store.matching_names(ref, package) if package is not None else set()
    return services.store.snapshots(ref, folded)


def _askable(server: ManagedServer, change: VersionChange) -> bool:
    """Whether "Who changed it?" can be asked: a Linux package on a server SSM still manages."""
    return (
        server.managed
        and (server.platform_type or "Linux") == "Linux"
        and change.inventory is InventoryKind.APPLICATION
        and re.fullmatch(PACKAGE_NAME_PATTERN, change.package) is not None
    )


def _lookup(server: ManagedServer, change: VersionChange) -> Lookup:
    told = change_line(change, with_name=False).split("\n", 1)[0]
    return Lookup(server, change.package, change.window.after, change.window.before, change=mrkdwn_to_text(told))


def latest_change(services: Services, query: PackageQuery) -> Lookup:
    """`/pkgwhen SERVER PACKAGE why`: the package's newest recorded change, to ask the server about."""
    server = find_server(services, query.server)
    history = read_history(services, server, query.package)
    timeline = build_timeline(history.snapshots, query.package, scheme=history.scheme)
    if not timeline.changes:
        raise PackageNeverSeen(query.package, server.label, "its Config history", close_names([], query.package))
    change = timeline.changes[-1]
    if not _askable(server, change):
        raise NotAskable(server.label, query.server, query.package)
    return _lookup(server, change)


def answer_query(
    services: Services, query: PackageQuery, *, report: Report | None = None, page: int = 1, shared_by: str | None = None
) -> Message:
    server = find_server(services, query.server)
    history = read_history(services, server, query.package, report)
    snapshots = history.snapshots
    timeline = build_timeline(snapshots, query.package, scheme=history.scheme)
    asked = Asked(
        server_label=server.label,
        node_id=server.node_id,
        package=query.package,
        mode=query.mode.value,
        at=query.at,
        since=query.since,
        until=query.until,
        zone=query.zone,
        page=page,
    )
    if not timeline.matched_names:
        span = (
            f"Config history from {timeline.first_capture:%Y-%m-%d} to {timeline.last_capture:%Y-%m-%d} "
            f"({timeline.item_count} items, read back to the first record)"
        )
        recorded = [name for _, name in services.store.package_names(services.server(server.node_id))]
        raise PackageNeverSeen(query.package, server.label, span, close_names(recorded, query.package))
    if query.mode is Mode.AT and query.at is not None:
        return render_point_in_time(
            state_at(snapshots, query.package, query.at, scheme=history.scheme),
            asked,
            first_capture=timeline.first_known_capture or timeline.first_capture,
            now=services.clock(),
            shared_by=shared_by,
        )
    names: dict[str, list[str]] = {}
    latest = next((s for s in reversed(snapshots) if s.packages_known), None)
    wanted = {n.casefold() for n in timeline.matched_names}
    for kind in InventoryKind:
        recorded = sorted(
            {
                e.name
                for s in ([latest] if latest else [])
                for key, entries in s.by_package().items()
                if key[1] in wanted
                for e in entries
                if e.kind is kind
            }
            | {c.package for c in timeline.changes if c.inventory is kind}
        )
        if recorded:
            names[kind.value] = recorded
    current = services.fleet.current_inventory(server.node_id, names) if server.managed else None
    freshness = None
    if current is not None and is_stale(current.captured_at, services.clock(), services.settings.stale_after):
        freshness = refresh_advice(services, server)
    return render_timeline(
        timeline,
        asked,
        managed=server.managed,
        who_changed=(lambda change: WhoChangedButton.asking(_lookup(server, change)).encode() if _askable(server, change) else None),
        current=one_report_per_package(current.packages) if current else None,
        captured_at=current.captured_at if current else None,
        now=services.clock(),
        stale_after=services.settings.stale_after,
        shared_by=shared_by,
        freshness=freshness,
    )


def refresh_advice(services: Services, server: ManagedServer) -> Freshness:
    """What would bring the server's inventory up to date: a refresh only where one can run."""
    if not server.managed:
        return Freshness(RefreshAdvice.NOT_MANAGED)
    if server.ping_status != "Online":
        return Freshness(RefreshAdvice.OFFLINE, server.ping_status, server.last_ping)
    if services.associations.inventory_association(server.node_id) is None:
        return Freshness(RefreshAdvice.NO_ASSOCIATION)
    return Freshness(RefreshAdvice.REFRESH)
