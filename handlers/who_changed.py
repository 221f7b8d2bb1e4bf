""" "Who changed it?": the button on each change of a /pkgwhen timeline, and `/pkgwhen SERVER PACKAGE why`.

The use case (`bot.usecases.who_changed`) checks, claims and runs the lookup; here the answer goes to a
thread in the channel where it was asked.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.lookup import Lookup
from bot.core.mrkdwn import escape
from bot.slack.buttons import WhoChangedButton
from bot.slack.messages import Message, progress, section
from bot.slack.timeline_messages import WHO_CHANGED_ACTION
from bot.slack.who_changed_messages import render_finding, summary_line
from bot.usecases.services import Services
from bot.usecases.who_changed import lookup_clicked, who_changed
from bot.usecases.write_actions import Asker
from handlers.errors import Reply, answering
from handlers.write_access import asker_of_click, group_members


def ask_who_changed(services: Services, client: WebClient, reply: Reply, who: Asker, lookup: Lookup) -> None:
    finding = who_changed(
        services,
        group_members(services, client),
        who,
        lookup,
        asking=lambda server, package: reply.send(
            progress(f"Asking {escape(server.label)} who changed {escape(package)}…")
        ),
    )
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
    who = asker_of_click(body)
    # A new reply, not in place of the timeline the button is on.
    with answering(respond, services.answer_slots, request=who.trigger_id) as reply:
        # Checked as the typed `/pkgwhen SERVER PACKAGE why` is, before anything runs.
        button = WhoChangedButton.decode(str(body["actions"][0].get("value", "")))
        ask_who_changed(services, client, reply, who, lookup_clicked(services, button))


def register(app: App) -> None:
    app.action(WHO_CHANGED_ACTION)(ack=acknowledge_click, lazy=[clicked])
