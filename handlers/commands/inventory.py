"""`/inventory`: parse, acknowledge, call the use case (`bot.usecases.inventory`), render the replies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.core.errors import UsageError
from bot.core.mrkdwn import echo
from bot.core.query import MAX_NAME
from bot.core.usage import INVENTORY_USAGE
from bot.slack.buttons import ConfirmRunButton
from bot.slack.change_messages import render_change_summary
from bot.slack.inventory_messages import (
    CANCEL_ACTION,
    CONFIRM_ACTION,
    render_association_confirmation,
    render_cancelled,
    render_refresh_progress,
    render_refresh_result,
    render_status,
)
from bot.slack.messages import Message, render_error, render_usage
from bot.usecases.inventory import (
    Progress,
    RefreshDone,
    confirm_association_refresh,
    inventory_status,
    refresh_association,
    refresh_server,
)
from bot.usecases.services import Services
from handlers.commands import typed_text
from handlers.errors import Reply, answering
from handlers.write_access import asker_of_click, asker_of_command, group_members


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
    who = asker_of_command(command)
    if parsed.verb == "status":
        with answering(respond, services.answer_slots) as reply:
            status = inventory_status(services, parsed.server)
            reply.send(
                render_status(
                    status.label,
                    status.node,
                    status.association,
                    status.captured,
                    now=services.clock(),
                    stale_after=services.settings.stale_after,
                    recorded=status.recorded,
                )
            )
        return
    # Not in an answer slot: following a run mostly waits, for up to the refresh time limits.
    with answering(respond) as reply:
        members = group_members(services, client)
        if parsed.whole_association:
            asked = confirm_association_refresh(services, members, who, parsed.server)
            reply.send(
                render_association_confirmation(
                    asked.server.label, asked.server.node_id, asked.association, asked.targets
                )
            )
            return
        done = refresh_server(services, members, who, parsed.server, progress=_progress(reply))
        reply.send(_result(done))


def _progress(reply: Reply) -> Progress:
    return lambda run, about: reply.send(render_refresh_progress(run, about))


def _result(done: RefreshDone) -> Message:
    summary = render_change_summary(done.summary, done.server_name) if done.summary is not None else None
    return render_refresh_result(
        done.run,
        done.about,
        summary=summary,
        previous_capture=done.previous_capture,
        association_run=done.association_run,
    )


def acknowledge_click(ack: Ack) -> None:
    ack()


def run_association(respond: Respond, body: dict[str, Any], services: Services, client: WebClient) -> None:
    """The confirmation was clicked: the use case checks everything again with the click's own IDs."""
    who = asker_of_click(body)
    with answering(respond, replaces_original=True) as reply:
        # Checked before anything runs: a forged value names no server or association pkgwhen would run.
        button = ConfirmRunButton.decode(str(body["actions"][0].get("value", "")))
        done = refresh_association(
            services,
            group_members(services, client),
            who,
            button.node_id,
            button.association_id,
            progress=_progress(reply),
        )
        reply.send(_result(done))


def cancel(respond: Respond, body: dict[str, Any], services: Services) -> None:
    with answering(respond, replaces_original=True) as reply:
        reply.send(render_cancelled(str(body.get("user", {}).get("id", ""))))


def register(app: App) -> None:
    app.command("/inventory")(ack=acknowledge, lazy=[answer])
    app.action(CONFIRM_ACTION)(ack=acknowledge_click, lazy=[run_association])
    app.action(CANCEL_ACTION)(ack=acknowledge_click, lazy=[cancel])
