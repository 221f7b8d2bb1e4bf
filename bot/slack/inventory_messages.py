"""`/inventory` answers as Slack messages: a server's inventory status, a refresh as it goes, the confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ConfirmObject

from bot.core.mrkdwn import code, escape
from bot.core.nodes import AssociationRun, InventoryAssociation, NodeStatus
from bot.core.refresh import RUNNING_STATUSES, RefreshContext, RefreshRun, Stage
from bot.core.timeline import RecordedLife
from bot.slack.buttons import ConfirmRunButton
from bot.slack.messages import MAX_BLOCKS, PROGRESS_BLOCK_ID, Message, context, section, slack_date

CONFIRM_ACTION = "inventory_refresh_association"
CANCEL_ACTION = "inventory_refresh_cancel"
SETUP_HINT = (
    "Set it up in Systems Manager → Inventory → Setup inventory (an `AWS-GatherSoftwareInventory` "
    "association), or with Quick Setup → Host Management."
)
_PING_ICON = {
    "Online": ":large_green_circle:",
    "ConnectionLost": ":red_circle:",
    "Inactive": ":black_circle:",
}


def duration(span: timedelta) -> str:
    """`45 s`, `10 min`, `1 h 5 min`: how long, as a person says it (rounded up to the second)."""
    seconds = max(0, int(-(-span.total_seconds() // 1)))
    if seconds < 60:
        return f"{seconds} s"
    minutes = -(-seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def _when(at: datetime | None) -> str:
    return slack_date(at) if at is not None else "never"


def render_status(
    server_label: str,
    node: NodeStatus | None,
    association: InventoryAssociation | None,
    captured_at: datetime | None,
    *,
    now: datetime,
    stale_after: timedelta,
    recorded: RecordedLife | None = None,
) -> Message:
    """Last capture, the inventory association (name, schedule, last run), the agent and the platform.

    For a server SSM no longer manages, `recorded` is what Config's history says: its last recorded
    inventory capture, and its deletion or the moment it stopped being managed.
    """
    label = escape(server_label)
    lines = [f"*Inventory of {label}*"]
    if node is None and recorded is not None and recorded.deleted is not None:
        lines.append(
            f":wastebasket: Deleted or deregistered: Config recorded its inventory as deleted "
            f"{slack_date(recorded.deleted.at)}. Nothing collects its inventory."
        )
    elif node is None:
        since = (
            f" since {slack_date(recorded.unmanaged_since)}" if recorded and recorded.unmanaged_since else " (any more)"
        )
        lines.append(f":black_circle: Not managed by Systems Manager{since}: nothing collects its inventory.")
    else:
        icon = _PING_ICON.get(node.ping_status, ":white_circle:")
        seen = (
            ""
            if node.ping_status == "Online" or node.last_ping is None
            else f", last seen {slack_date(node.last_ping)}"
        )
        lines.append(
            f"{icon} Agent {code(node.ping_status)}{seen} · SSM agent {code(node.agent_version or '?')}"
        )
        if node.platform:
            lines.append(f"Platform: {escape(node.platform)}")
    if node is None and recorded is not None:
        capture = f"Last recorded inventory capture: {_when(recorded.last_capture)} (from AWS Config's history)"
    else:
        capture = f"Last inventory capture: {_when(captured_at)}"
    if node is not None and captured_at is not None and now - captured_at > stale_after:
        capture += f" (:warning: {duration(now - captured_at)} ago)"
    lines.append(capture)
    if association is not None:
        schedule = code(association.schedule) if association.schedule else "no schedule"
        lines.append(
            f"Association: {code(association.name)} ({code(association.document)}, {code(association.association_id)}), "
            f"runs {schedule}"
        )
        status = association.detailed_status or association.status or "unknown"
        lines.append(f"Last execution here: {_when(association.last_execution)} — {code(status)}")
    elif node is not None:
        lines.append(
            ":warning: Inventory is not set up for this server: no `AWS-GatherSoftwareInventory` association applies."
        )
        lines.append(SETUP_HINT)
    blocks = [section("\n".join(lines))]
    if node is not None and association is not None and node.ping_status == "Online":
        blocks.append(context("`/inventory refresh` collects its inventory now and reports what changed."))
    elif node is not None and association is not None:
        blocks.append(
            context(
                "A refresh cannot run while the agent is not connected: check that the server is running and its "
                "agent can reach Systems Manager; inventory resumes when it does."
            )
        )
    return Message(text=f"Inventory of {label}", blocks=tuple(blocks))


_STEPS = ("requested", "running on the server", "inventory collected", "recorded by Config")


def _steps(run: RefreshRun) -> str:
    """The run's path as a line of marks: done, under way, stopped there."""
    stage = run.stage
    names = list(_STEPS)
    done, stopped = {
        Stage.REQUESTED: (1, ":hourglass_flowing_sand:"),
        Stage.RUNNING: (2, ":hourglass_flowing_sand:"),
        Stage.COLLECTED: (3, ":hourglass_flowing_sand:"),
        Stage.RECORDED: (4, ""),
        Stage.UNCHANGED: (4, ""),
        Stage.NOT_RECORDED: (3, ":warning:"),
        Stage.NOT_COLLECTED: (2 if run.run_status in RUNNING_STATUSES else 1, ":warning:"),
        Stage.FAILED: (1, ":x:"),
    }[stage]
    if stage is Stage.UNCHANGED:
        names[3] = "nothing new for Config to record"
    marks = []
    for position, name in enumerate(names):
        if position < done:
            mark = ":grey_question:" if position == 0 and not run.confirmed else ":white_check_mark:"
        elif position == done and stopped:
            mark = stopped
        else:
            mark = ":white_small_square:"
        marks.append(f"{mark} {name}")
    return " → ".join(marks)


def render_refresh_progress(run: RefreshRun, about: RefreshContext) -> Message:
    """The reply while the run is under way: a placeholder the next stage replaces."""
    label = escape(about.server_label)
    lines = [f"*Refreshing the inventory of {label}* ({escape(about.how)}), asked by <@{about.user_id}>", _steps(run)]
    if run.captured_at is not None:
        lines.append(f"New capture: {slack_date(run.captured_at)}; waiting for AWS Config to record it…")
    if not run.confirmed:
        lines.append(_unconfirmed())
    block = {**section("\n".join(lines)), "block_id": PROGRESS_BLOCK_ID}
    return Message(text=f"Refreshing the inventory of {label}…", blocks=(block,), progress=True)


def _unconfirmed() -> str:
    return (
        ":warning: AWS did not confirm the request in time. It was not sent again (a second one could start a "
        "second run); pkgwhen watches for a new capture instead."
    )


def render_refresh_result(
    run: RefreshRun,
    about: RefreshContext,
    *,
    summary: Message | None = None,
    previous_capture: datetime | None = None,
    association_run: AssociationRun | None = None,
) -> Message:
    """The reply when the run is over: what happened, honestly, and what changed (`summary`, the alerts' post)."""
    label = escape(about.server_label)
    limit = duration(about.timeout)
    stage = run.stage
    if stage is Stage.RECORDED:
        head = (
            f":white_check_mark: *Inventory of {label} collected* {_when(run.captured_at)} "
            f"and recorded by AWS Config {_when(run.recorded_at)}."
        )
    elif stage is Stage.UNCHANGED:
        since = f" since the previous capture ({slack_date(previous_capture)})" if previous_capture else ""
        head = (
            f":white_check_mark: *Inventory of {label} collected* {_when(run.captured_at)}: no change{since}."
        )
    elif stage is Stage.NOT_RECORDED:
        head = (
            f":warning: *Inventory of {label} collected* {_when(run.captured_at)}, but AWS Config has not recorded "
            f"a new item after {limit}; it will show up in alerts when it does."
        )
    elif stage is Stage.NOT_COLLECTED:
        later = f" (its schedule: {code(about.schedule)})" if about.schedule else ""
        status = f" The run's last status: {code(run.run_status)}." if run.run_status else ""
        head = (
            f":warning: *No new inventory of {label} after {limit}.*{status} The next scheduled run will "
            f"collect it{later}, and alerts will report any change."
        )
    else:
        head = (
            f":x: *The inventory run on {label} ended {code(run.run_status or 'failed')}* without collecting. "
            "Nothing was retried; `/inventory status` shows the association's state."
        )
    lines = [head, _steps(run)]
    if not run.confirmed:
        lines.append(_unconfirmed())
    blocks: list[dict[str, Any]] = [section("\n".join(lines))]
    if summary is not None:
        if stage is Stage.NOT_RECORDED:
            blocks.append(context("What SSM Inventory collected, compared with Config's latest item:"))
        blocks.extend(summary.blocks[: MAX_BLOCKS - 3])
    if association_run is not None:
        blocks.append(
            context(
                f"The association's run so far: {code(association_run.status)} "
                f"{escape(association_run.resources)} (started {slack_date(association_run.created)})"
            )
        )
    blocks.append(context(f"Asked by <@{about.user_id}> · {escape(about.how)}"))
    text = {
        Stage.RECORDED: f"Inventory of {label} collected and recorded",
        Stage.UNCHANGED: f"Inventory of {label} collected: no change",
        Stage.NOT_RECORDED: f"Inventory of {label} collected; Config has not recorded it yet",
        Stage.NOT_COLLECTED: f"No new inventory of {label} after {limit}",
    }.get(stage, f"The inventory run on {label} failed")
    return Message(text=text, blocks=tuple(blocks))


def render_association_confirmation(
    server_label: str, node_id: str, association: InventoryAssociation, targets: int
) -> Message:
    """Ask before a whole-association run: it starts inventory on every server the association targets."""
    servers = f"{targets} server{'s' if targets != 1 else ''}"
    text = (
        f"Run the inventory association {code(association.name)} on all of its *{servers}* now? "
        f"(You asked from {escape(server_label)}; `/inventory refresh {escape(node_id)}` without "
        "`--association` refreshes that server alone.)"
    )
    run = ButtonElement(
        text=f"Run on {servers}"[:75],
        action_id=CONFIRM_ACTION,
        value=ConfirmRunButton(node_id, association.association_id).encode(),
        style="primary",
        confirm=ConfirmObject(
            title="Run the whole association?",
            text=f"Inventory runs on {servers} now.",
            confirm="Run it",
            deny="Back",
        ),
    )
    cancel = ButtonElement(text="Cancel", action_id=CANCEL_ACTION, value="cancel")
    blocks: Sequence[dict[str, Any]] = (section(text), ActionsBlock(elements=[run, cancel]).to_dict())
    return Message(text=f"Run inventory on {servers}?", blocks=tuple(blocks))


def render_cancelled(user_id: str) -> Message:
    return Message(text="Cancelled", blocks=(section(f"Cancelled by <@{user_id}>: nothing was started."),))
