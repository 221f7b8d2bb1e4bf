""" "Who changed it?": run pkgwhen's history document on the server and find the transactions behind a change.

Reading a server's package history runs a command on it, so it is a write action: allow-listed by ID,
audited, deduped, cooled down, sent once. The document (deploy/pkgwhen-package-history.json) takes the
package name as a typed parameter that reaches its script only as an environment variable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.aws.run_command import PACKAGE_HISTORY_DOCUMENT, Invocation, RunCommandGateway
from bot.core.errors import (
    LookupFailed,
    LookupTimedOut,
    LookupUnanswered,
    NotLinux,
    NotManaged,
    ServerOffline,
)
from bot.core.lookup import Finding, Lookup, find
from bot.core.nodes import WriteOutcome
from bot.core.servers import ManagedServer
from bot.core.transactions import TransactionReport, parse_history_output
from bot.slack.access import GroupMembers
from bot.slack.buttons import WhoChangedButton
from bot.slack.messages import slack_date
from bot.store.audit import Outcome
from bot.usecases.answers import find_server
from bot.usecases.services import Services
from bot.usecases.write_actions import WHO_CHANGED, Asker, authorize, claim

# The document details transactions in a window; give it room either side of Config's.
_DOCUMENT_MARGIN = timedelta(days=1)


def who_changed(
    services: Services,
    members: GroupMembers,
    who: Asker,
    lookup: Lookup,
    *,
    asking: Callable[[ManagedServer, str], None] = lambda server, package: None,
) -> Finding:
    """Checked and claimed like any write action, then the document, once; `asking` is told when it is sent."""
    server, package = lookup.server, lookup.package
    # One change of one package: asking about an older change of it is another question, not a repeat.
    target = f"{server.node_id}/{package}@{lookup.before.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
    authorize(services, members, who, WHO_CHANGED, target)
    node = services.associations.node_status(server.node_id) if server.managed else None
    check_server(
        server,
        node.ping_status if node else None,
        slack_date(node.last_ping) if node and node.last_ping else "unknown",
    )
    entry = claim(
        services,
        who,
        WHO_CHANGED,
        target=target,
        label=f"{package} on {server.label}",
        cooldown=services.settings.why_cooldown,
    )
    asking(server, package)
    try:
        report = run_history_document(
            services.run_command,
            lookup,
            wait=services.settings.why_timeout,
            poll=services.settings.refresh_poll_interval.total_seconds(),
        )
    except LookupUnanswered:
        services.audit.finish(entry, Outcome.UNKNOWN)
        raise
    except BaseException:
        services.audit.finish(entry, Outcome.FAILED)
        raise
    services.audit.finish(entry, Outcome.RECORDED)
    return find(report, lookup)


def lookup_clicked(services: Services, button: WhoChangedButton) -> Lookup:
    """The lookup a clicked button asks for; its server found as a typed name is."""
    return Lookup(find_server(services, button.node_id), button.package, button.after, button.before, button.change)


def check_server(server: ManagedServer, ping_status: str | None, last_ping: str) -> None:
    if not server.managed or ping_status is None:
        raise NotManaged(server.label)
    if (server.platform_type or "Linux") != "Linux":
        raise NotLinux(server.label, server.platform or server.platform_type or "")
    if ping_status != "Online":
        raise ServerOffline(server.label, ping_status, last_ping)


def _window_bound(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M")


def run_history_document(
    commands: RunCommandGateway,
    lookup: Lookup,
    *,
    wait: timedelta,
    poll: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> TransactionReport:
    """Send the document (one attempt), wait for its output, parse it."""
    server = lookup.server
    after = (lookup.after or lookup.before - timedelta(days=7)) - _DOCUMENT_MARGIN
    sent = commands.send(
        server.node_id,
        PACKAGE_HISTORY_DOCUMENT,
        {
            "packageName": [lookup.package],
            "windowStart": [_window_bound(after)],
            "windowEnd": [_window_bound(lookup.before + _DOCUMENT_MARGIN)],
        },
        comment=f"pkgwhen: who changed {lookup.package}",
    )
    if sent.outcome is WriteOutcome.UNKNOWN or sent.command_id is None:
        raise LookupUnanswered(server.label)
    deadline = clock() + wait.total_seconds()
    invocation: Invocation | None = None
    while clock() < deadline:
        invocation = commands.invocation(sent.command_id, server.node_id)
        if invocation is not None and invocation.finished:
            break
        sleep(poll)
    if invocation is None or not invocation.finished:
        raise LookupTimedOut(server.label, int(wait.total_seconds()), sent.command_id)
    if invocation.status != "Success":
        detail = (invocation.stderr or invocation.stdout).strip().splitlines()
        raise LookupFailed(server.label, invocation.status, detail[-1] if detail else "")
    return parse_history_output(invocation.stdout)
