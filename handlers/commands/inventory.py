"""`/inventory`: a server's SSM inventory status, and refreshing it now — checked, confirmed, audited, followed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.answers import find_server, read_history
from bot.associations import InventoryAssociation, NodeStatus, WriteOutcome, WriteResult
from bot.audit import AuditEntry, Outcome
from bot.aws import error_code
from bot.buttons import ConfirmRunButton
from bot.change_summary import render_change_summary, summarize
from bot.errors import (
    InventoryNotSetUp,
    NotManaged,
    PkgwhenError,
    ServerOffline,
    UsageError,
)
from bot.messages import INVENTORY_USAGE, Message, render_error, render_usage, slack_date
from bot.mrkdwn import code, echo, escape
from bot.query import MAX_NAME
from bot.refresh import Observer, RefreshRun, Stage, follow
from bot.render_inventory import (
    CANCEL_ACTION,
    CONFIRM_ACTION,
    RefreshContext,
    render_association_confirmation,
    render_cancelled,
    render_refresh_progress,
    render_refresh_result,
    render_status,
)
from bot.servers import ManagedServer
from bot.services import Services
from bot.timeline import recorded_life
from handlers.commands import typed_text
from handlers.errors import Reply, answering
from handlers.write_access import Asker, authorize, claim

log = logging.getLogger("pkgwhen.inventory")

REFRESH_ACTION = "/inventory refresh"
ASSOCIATION_ACTION = "/inventory refresh --association"
_STAGE_OUTCOME = {
    Stage.RECORDED: Outcome.RECORDED,
    Stage.UNCHANGED: Outcome.UNCHANGED,
    Stage.NOT_COLLECTED: Outcome.NOT_COLLECTED,
    Stage.NOT_RECORDED: Outcome.NOT_RECORDED,
    Stage.FAILED: Outcome.FAILED,
}
# Waits between polls; never set, so `wait(t)` simply waits t seconds without holding anything.
_between_polls = threading.Event()


@dataclass(frozen=True)
class InventoryCommand:
    verb: str  # help | status | refresh
    server: str = ""
    whole_association: bool = False


def parse_inventory(text: str) -> InventoryCommand:
    words = text.split()
    if not words or words[0].lower() in {"help", "-h", "--help", "?"}:
        return InventoryCommand("help")
    verb, rest = words[0].lower(), words[1:]
    flags = {w.lower() for w in rest if w.startswith("--")}
    names = [w for w in rest if not w.startswith("--")]
    if verb not in {"status", "refresh"}:
        raise UsageError(f"I did not understand {echo(text.strip())}.", INVENTORY_USAGE)
    allowed = {"--association"} if verb == "refresh" else set()
    if flags - allowed:
        raise UsageError(
            f"{echo(' '.join(sorted(flags - allowed)))} is not an option of `/inventory {verb}`.", INVENTORY_USAGE
        )
    if len(names) != 1:
        raise UsageError(f"`/inventory {verb}` needs one server.", INVENTORY_USAGE)
    if len(names[0]) > MAX_NAME:
        raise UsageError(
            f"That server name is {len(names[0]):,} characters long ({echo(names[0], 20)}); names are at most {MAX_NAME}.",
            INVENTORY_USAGE,
        )
    return InventoryCommand(verb, names[0], "--association" in flags)


def _parsed(text: str) -> InventoryCommand | UsageError:
    try:
        return parse_inventory(text)
    except UsageError as error:
        return error


def acknowledge(ack: Ack, command: dict[str, Any]) -> None:
    parsed = _parsed(typed_text(command))
    if isinstance(parsed, UsageError):
        ack(response_type="ephemeral", **render_error(parsed).payload())
    elif parsed.verb == "help":
        ack(response_type="ephemeral", **render_usage(INVENTORY_USAGE).payload())
    else:
        ack()


def answer(respond: Respond, command: dict[str, Any], services: Services, client: WebClient) -> None:
    parsed = _parsed(typed_text(command))
    if isinstance(parsed, UsageError) or parsed.verb == "help":
        return  # already answered when acknowledged
    who = Asker.from_command(command)
    if parsed.verb == "status":
        with answering(respond, services.answer_slots) as reply:
            reply.send(status_answer(services, parsed.server))
        return
    # Not in an answer slot: following a run mostly waits, for up to the refresh time limits.
    with answering(respond) as reply:
        action = ASSOCIATION_ACTION if parsed.whole_association else REFRESH_ACTION
        authorize(services, client, who, action, parsed.server)
        server = find_server(services, parsed.server)
        _, association = _preflight(services, server)
        if parsed.whole_association:
            targets = services.associations.target_count(association.association_id)
            services.audit.record(
                action=ASSOCIATION_ACTION,
                user_id=who.user_id,
                channel_id=who.channel_id,
                target=_association_target(association),
                association_id=association.association_id,
                trigger_id=who.trigger_id,
                outcome=Outcome.CONFIRMING,
            )
            reply.send(render_association_confirmation(server.label, server.node_id, association, targets))
            return
        entry = claim(
            services,
            who,
            REFRESH_ACTION,
            target=server.node_id,
            label=server.label,
            cooldown=services.settings.refresh_cooldown,
            association_id=association.association_id,
        )
        _run(
            services,
            reply,
            entry,
            server,
            association,
            write=lambda: services.associations.refresh_node(server.node_id, association.association_id),
            how="this server only",
            who=who,
        )


def status_answer(services: Services, wanted: str) -> Message:
    server = find_server(services, wanted)
    node = services.associations.node_status(server.node_id) if server.managed else None
    association = services.associations.inventory_association(server.node_id) if node is not None else None
    captured = services.associations.capture_time(server.node_id) if node is not None else None
    recorded = recorded_life(read_history(services, server).snapshots) if node is None else None
    return render_status(
        server.label,
        node,
        association,
        captured,
        now=services.clock(),
        stale_after=services.settings.stale_after,
        recorded=recorded,
    )


def _preflight(services: Services, server: ManagedServer) -> tuple[NodeStatus, InventoryAssociation]:
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
    return node, association


def _association_target(association: InventoryAssociation) -> str:
    return f"association/{association.association_id}"


def _run(
    services: Services,
    reply: Reply,
    entry: AuditEntry,
    server: ManagedServer,
    association: InventoryAssociation,
    *,
    write: Callable[[], WriteResult],
    how: str,
    who: Asker,
    whole_association: bool = False,
) -> None:
    """Start the run (one attempt), follow it to the end, show what changed; the audit entry follows along."""
    timeout = services.settings.refresh_timeout
    try:
        previous_capture = services.associations.capture_time(server.node_id)
        started = services.clock()
        result = write()
    except ClientError as error:
        services.audit.finish(entry, Outcome.REJECTED)
        raise PkgwhenError(
            f"Systems Manager refused to start the run: {code(error_code(error))}: "
            f"{escape(str(error.response.get('Error', {}).get('Message', '')))}",
            "Nothing was started.",
        ) from error
    except BaseException:
        services.audit.finish(entry, Outcome.REJECTED)
        raise
    services.audit.finish(
        entry, Outcome.STARTED if result.outcome is WriteOutcome.STARTED else Outcome.UNKNOWN
    )
    about = RefreshContext(server.label, who.user_id, how, timeout, association.schedule)
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
        timeout,
        confirmed=result.outcome is WriteOutcome.STARTED,
    )

    def show(current: RefreshRun) -> None:
        if not current.finished:
            reply.send(render_refresh_progress(current, about))

    try:
        final = follow(
            run, observer, show, wait=_between_polls.wait, interval=services.settings.refresh_poll_interval
        )
    except BaseException:
        services.audit.finish(entry, Outcome.FAILED)
        raise
    services.audit.finish(entry, _STAGE_OUTCOME[final.stage])
    whole = (
        services.associations.latest_run(association.association_id, started) if whole_association else None
    )
    reply.send(
        render_refresh_result(
            final,
            about,
            summary=_summary(services, observer, final, server.name),
            previous_capture=previous_capture,
            association_run=whole,
        )
    )


def _summary(services: Services, observer: Observer, run: RefreshRun, label: str) -> Message | None:
    """The same summary the change alerts post: Config's new item against its previous one."""
    watchlist = services.settings.watchlist
    if run.stage is Stage.RECORDED:
        recorded = observer.recorded(run)
        if recorded.current is None:
            return None
        return render_change_summary(
            summarize(recorded.previous, recorded.current, watchlist=watchlist), label
        )
    if run.stage is Stage.NOT_RECORDED and observer.ssm_capture is not None:
        latest = observer.recorded(run).current
        return render_change_summary(summarize(latest, observer.ssm_capture, watchlist=watchlist), label)
    return None


def acknowledge_click(ack: Ack) -> None:
    ack()


def run_association(respond: Respond, body: dict[str, Any], services: Services, client: WebClient) -> None:
    """The confirmation was clicked: check everything again with the click's own IDs, then run."""
    who = Asker.from_click(body)
    with answering(respond, replaces_original=True) as reply:
        # Checked before anything runs: a forged value names no server or association pkgwhen would run.
        button = ConfirmRunButton.decode(str(body["actions"][0].get("value", "")))
        node_id, association_id = button.node_id, button.association_id
        authorize(services, client, who, ASSOCIATION_ACTION, node_id)
        server = find_server(services, node_id)
        _, association = _preflight(services, server)
        if association.association_id != association_id:
            raise PkgwhenError(
                f"The inventory association of {escape(server.label)} changed since you were asked; nothing was started.",
                f"Run {code(f'/inventory refresh {node_id} --association')} again.",
            )
        targets = services.associations.target_count(association_id)
        entry = claim(
            services,
            who,
            ASSOCIATION_ACTION,
            target=_association_target(association),
            label=server.label,
            cooldown=services.settings.refresh_cooldown,
            association_id=association.association_id,
        )
        _run(
            services,
            reply,
            entry,
            server,
            association,
            write=lambda: services.associations.run_association(association_id),
            how=f"the whole association {association.name} ({targets} servers), followed on this one",
            who=who,
            whole_association=True,
        )


def cancel(respond: Respond, body: dict[str, Any], services: Services) -> None:
    with answering(respond, replaces_original=True) as reply:
        reply.send(render_cancelled(str(body.get("user", {}).get("id", ""))))


def register(app: App) -> None:
    app.command("/inventory")(ack=acknowledge, lazy=[answer])
    app.action(CONFIRM_ACTION)(ack=acknowledge_click, lazy=[run_association])
    app.action(CANCEL_ACTION)(ack=acknowledge_click, lazy=[cancel])
