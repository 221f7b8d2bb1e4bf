""" "Who changed it?": the button on each change of a /pkgwhen timeline, and `/pkgwhen SERVER PACKAGE why`.

Reading a server's package history runs a command on it, so it is a write action: allow-listed by ID,
audited, deduped, cooled down. The answer goes to a thread in the channel where it was asked.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from slack_bolt import App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answers import find_server
from bot.audit import Outcome
from bot.buttons import WhoChangedButton
from bot.errors import WriteUnanswered
from bot.messages import Message, progress, section, slack_date
from bot.mrkdwn import escape
from bot.render import WHO_CHANGED_ACTION
from bot.services import Services
from bot.who_changed import (
    WHY_ACTION,
    Lookup,
    check_server,
    find,
    lookup_from,
    render_finding,
    run_history_document,
    summary_line,
)
from handlers.errors import Reply, answering
from handlers.write_access import Asker, authorize, claim


def ask_who_changed(services: Services, client: WebClient, reply: Reply, who: Asker, lookup: Lookup) -> None:
    server, package = lookup.server, lookup.package
    # One change of one package: asking about an older change of it is another question, not a repeat.
    target = f"{server.node_id}/{package}@{lookup.before.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
    authorize(services, client, who, WHY_ACTION, target)
    node = services.associations.node_status(server.node_id) if server.managed else None
    check_server(
        server,
        node.ping_status if node else None,
        slack_date(node.last_ping) if node and node.last_ping else "unknown",
    )
    entry = claim(
        services,
        who,
        WHY_ACTION,
        target=target,
        label=f"{package} on {server.label}",
        cooldown=services.settings.why_cooldown,
        done="was looked up",
        asked="who changed",
        hint="between two looks at one package's history on one server)",
    )
    reply.send(progress(f"Asking {escape(server.label)} who changed {escape(package)}…"))
    try:
        report = run_history_document(
            services.run_command,
            lookup,
            wait=services.settings.why_timeout,
            poll=services.settings.refresh_poll_interval.total_seconds(),
        )
    except WriteUnanswered:
        services.audit.finish(entry, Outcome.UNKNOWN)
        raise
    except BaseException:
        services.audit.finish(entry, Outcome.FAILED)
        raise
    services.audit.finish(entry, Outcome.RECORDED)
    finding = find(report, lookup)
    messages = render_finding(finding, lookup)
    reply.send(_in_thread(client, who, messages, finding_line=summary_line(finding, lookup)))


def _in_thread(client: WebClient, who: Asker, messages: list[Message], *, finding_line: str) -> Message:
    """Post the answer as a thread in the channel; where the bot cannot post, the reply itself holds it."""
    first, rest = messages[0], messages[1:]
    lead = Message(text=first.text, blocks=(*first.blocks, section(f"_asked by <@{who.user_id}>_")))
    try:
        parent = client.chat_postMessage(channel=who.channel_id, **lead.payload())
        for message in rest:
            client.chat_postMessage(channel=who.channel_id, thread_ts=str(parent["ts"]), **message.payload())
    except SlackApiError:
        return Message(text=first.text, blocks=tuple(block for message in messages for block in message.blocks))
    return Message(
        text=finding_line,
        blocks=(section(f":thread: {finding_line} — details in the thread in <#{who.channel_id}>."),),
    )


def acknowledge_click(ack: Any) -> None:
    ack()


def clicked(respond: Respond, body: dict[str, Any], services: Services, client: WebClient) -> None:
    who = Asker.from_click(body)
    # A new reply, not in place of the timeline the button is on.
    with answering(respond, services.answer_slots, request=who.trigger_id) as reply:
        # Checked as the typed `/pkgwhen SERVER PACKAGE why` is, before anything runs.
        button = WhoChangedButton.decode(str(body["actions"][0].get("value", "")))
        ask_who_changed(services, client, reply, who, lookup_from(button, lambda node: find_server(services, node)))


def register(app: App) -> None:
    app.action(WHO_CHANGED_ACTION)(ack=acknowledge_click, lazy=[clicked])
