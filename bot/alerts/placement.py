"""What an alert says and where it goes: pure functions from a change to a decision, a placement and messages.

`decide` turns a change (with its previous item and the server's tags) into a summary and a channel, or a
reason to post nothing. `place` puts that decision among the posts still open in the grouping window: the
server's own message (widened to span both items), a fleet digest of servers that changed alike, or a
new message. `render_post` lists every message Slack should show for a post, by slot. No I/O here: the
worker fetches what these need and calls Slack with what they return (`pkgwhen explain` shares `decide`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.alerts.ledger import AlertPost, PostedServer
from bot.alerts.notifications import ConfigChange
from bot.alerts.routing import AlertRoutes
from bot.core.change_summary import ChangeSummary, summarize
from bot.core.config_items import InventorySnapshot
from bot.slack.change_messages import (
    DigestServer,
    has_thread_detail,
    render_change_detail,
    render_change_summary,
    render_digest_servers,
    render_fleet_digest,
)
from bot.slack.messages import Message

SERVERS_PER_REPLY = 40


@dataclass(frozen=True)
class AlertDecision:
    """What the worker does with one change: post `summary` to `channel` (by `route`), or skip it and why."""

    summary: ChangeSummary
    channel: str | None
    skip: str | None
    label: str
    route: str = ""


def decide(
    change: ConfigChange,
    current: InventorySnapshot,
    previous: InventorySnapshot | None,
    *,
    routes: AlertRoutes,
    watchlist: Sequence[str],
    post_noise: bool,
    tags: Mapping[str, str],
    label: str,
) -> AlertDecision:
    summary = summarize(previous, current, watchlist=watchlist)
    if summary.packages_unknown:
        return AlertDecision(summary, None, "the item holds no package data (only instance information)", label)
    if summary.is_noise and not post_noise:
        return AlertDecision(
            summary, None, "no package changed (only install times, package ids or non-package inventory)", label
        )
    route = routes.route_for(
        account=change.account_id or current.account_id,
        region=change.region or current.region,
        tags={**dict(change.tags), **tags},
        packages=[c.package for c in summary.changes],
    )
    if route is None:
        return AlertDecision(summary, None, "no routing rule matched and no default channel is set", label)
    return AlertDecision(summary, route.channel, None, label, route.name)


def signature_key(summary: ChangeSummary) -> str:
    return hashlib.sha256(json.dumps(summary.signature()).encode()).hexdigest()[:32]


def span_of(node_id: str, label: str, current: InventorySnapshot, previous: InventorySnapshot | None) -> PostedServer:
    """One item as a server's span: from its previous item (excluded) to itself."""
    return PostedServer(
        node_id=node_id,
        label=label,
        base_state=previous.state_id if previous is not None else None,
        base_captured=previous.captured_at.timestamp() if previous is not None else None,
        head_state=current.state_id,
        head_captured=current.captured_at.timestamp(),
        items=(current.state_id,),
    )


@dataclass(frozen=True)
class Placement:
    """Where an item goes: `post` as it reads with the item in it.

    `widened` is set when the item joined the server's own message and so changed the span it describes:
    the post's summary must then be computed from the span's base and head items. Otherwise `summary`
    is what a new post shows; a digest keeps the summary it had (all its servers changed alike).
    """

    post: AlertPost
    summary: ChangeSummary
    widened: PostedServer | None = None
    joined_digest: bool = False
    # The item was already in the post (a duplicate): nothing changes.
    unchanged: bool = False


def place(
    open_posts: Iterable[AlertPost], decision: AlertDecision, span: PostedServer, now: float, *, merge: bool = True
) -> Placement:
    """The post `span` (one new item) goes into, for a decision with a channel.

    `merge=False` skips the server's own message (when the items of its widened span cannot be read).
    """
    channel = str(decision.channel)
    posts = [p for p in open_posts if p.channel == channel]
    own = [p for p in posts if not p.is_digest and p.servers[0].node_id == span.node_id]
    if merge and own:
        post = max(own, key=lambda p: p.opened_at)
        first = post.servers[0]
        if span.head_state in first.items:
            return Placement(post, decision.summary, unchanged=True)
        widened = widen(first, span)
        return Placement(replace(post, servers=(widened,)), decision.summary, widened=widened)
    signature = signature_key(decision.summary)
    alike = [p for p in posts if p.signature == signature and p.server(span.node_id) is None]
    if alike:
        post = max(alike, key=lambda p: p.opened_at)
        return Placement(replace(post, servers=(*post.servers, span)), decision.summary, joined_digest=True)
    return Placement(AlertPost(channel=channel, opened_at=now, signature=signature, servers=(span,)), decision.summary)


def widen(span: PostedServer, item: PostedServer) -> PostedServer:
    """A server's span with one more item: from the earliest base to the latest head (items arrive in any order)."""
    base_state, base_captured = span.base_state, span.base_captured
    if span.base_state is not None and (item.base_state is None or (item.base_captured or 0) < (span.base_captured or 0)):
        base_state, base_captured = item.base_state, item.base_captured
    if item.head_captured > span.head_captured:
        head_state, head_captured = item.head_state, item.head_captured
    else:
        head_state, head_captured = span.head_state, span.head_captured
    return replace(
        span,
        label=item.label,
        base_state=base_state,
        base_captured=base_captured,
        head_state=head_state,
        head_captured=head_captured,
        items=(*span.items, *item.items),
    )


def render_post(post: AlertPost, summary: ChangeSummary) -> list[tuple[str, Message]]:
    """Every message Slack should show for a post: the channel message, then thread replies, by slot."""
    if not post.is_digest:
        label = post.servers[0].label
        slots = [("main", render_change_summary(summary, label))]
        if has_thread_detail(summary):
            slots += [(f"detail-{n}", m) for n, m in enumerate(render_change_detail(summary, label))]
        return slots
    servers = [DigestServer(s.label, s.node_id, datetime.fromtimestamp(s.head_captured, UTC)) for s in post.servers]
    slots = [("main", render_fleet_digest(summary, servers))]
    if has_thread_detail(summary):
        slots += [(f"detail-{n}", m) for n, m in enumerate(render_change_detail(summary, "each server"))]
    for n, start in enumerate(range(0, len(servers), SERVERS_PER_REPLY)):
        slots.append((f"servers-{n}", render_digest_servers(servers[start : start + SERVERS_PER_REPLY], first=start + 1)))
    return slots


def message_digest(message: Message) -> str:
    """What a slot shows, hashed: an update is sent only when it changes."""
    return hashlib.sha256(json.dumps(message.payload(), sort_keys=True).encode()).hexdigest()[:32]


def at(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp is not None else None
