"""`/pkgwhen`: every version change of a package on a server, and the buttons on its answer."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.core.errors import UsageError
from bot.core.mrkdwn import escape, shorten
from bot.core.query import Mode, PackageQuery, parse_pkgwhen, wants_help
from bot.core.usage import PKGWHEN_USAGE
from bot.slack.buttons import QueryButton
from bot.slack.messages import progress, render_error, render_usage
from bot.slack.timeline_messages import PAGE_ACTION, SHARE_ACTION
from bot.usecases.answers import answer_query, latest_change
from bot.usecases.services import Services
from handlers.commands import typed_text
from handlers.errors import answering
from handlers.people import user_zone
from handlers.who_changed import ask_who_changed
from handlers.write_access import asker_of_command


def _syntax_error(text: str, services: Services) -> UsageError | None:
    """Checked before acknowledging, so a typo is answered at once (dates are read again in the user's zone)."""
    try:
        parse_pkgwhen(text, now=services.clock())
    except UsageError as error:
        return error
    return None


def acknowledge(ack: Ack, command: dict[str, Any], services: Services) -> None:
    text = typed_text(command)
    if wants_help(text):
        ack(response_type="ephemeral", **render_usage(PKGWHEN_USAGE).payload())
        return
    error = _syntax_error(text, services)
    if error is not None:
        ack(response_type="ephemeral", **render_error(error).payload())
        return
    ack()


def answer(respond: Respond, command: dict[str, Any], services: Services, client: WebClient) -> None:
    text = typed_text(command)
    if wants_help(text) or _syntax_error(text, services) is not None:
        return  # already answered when acknowledged
    with answering(respond, services.answer_slots, request=str(command.get("trigger_id", ""))) as reply:
        zone, zone_name = user_zone(client, str(command.get("user_id", "")), services.zones)
        query = parse_pkgwhen(text, now=services.clock(), zone=zone, zone_name=zone_name)
        reply.send(progress(f"Reading the history of {escape(shorten(query.server))}…"))
        if query.mode is Mode.WHY:
            ask_who_changed(services, client, reply, asker_of_command(command), latest_change(services, query))
            return
        reply.send(answer_query(services, query, report=lambda t: reply.send(progress(t))))


def acknowledge_click(ack: Ack) -> None:
    ack()


def _clicked(body: dict[str, Any], services: Services) -> tuple[PackageQuery, int]:
    """The question a Share or page button carries, read and checked as if typed."""
    button = QueryButton.decode(str(body["actions"][0].get("value", "")))
    return button.query(services.clock()), button.page


def share(respond: Respond, body: dict[str, Any], services: Services) -> None:
    user = str(body.get("user", {}).get("id", ""))
    with answering(respond, services.answer_slots) as reply:
        query, page = _clicked(body, services)
        reply.send(answer_query(services, query, page=page, shared_by=user), in_channel=True)


def turn_page(respond: Respond, body: dict[str, Any], services: Services) -> None:
    with answering(respond, services.answer_slots, replaces_original=True) as reply:
        query, page = _clicked(body, services)
        reply.send(answer_query(services, query, page=page))


def register(app: App) -> None:
    app.command("/pkgwhen")(ack=acknowledge, lazy=[answer])
    app.action(SHARE_ACTION)(ack=acknowledge_click, lazy=[share])
    app.action(re.compile(f"^{PAGE_ACTION}_(prev|next)$"))(ack=acknowledge_click, lazy=[turn_page])

