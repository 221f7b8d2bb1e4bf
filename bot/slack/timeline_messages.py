"""Package timelines and point-in-time answers as Slack messages, kept inside Slack's limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.core.config_items import InventoryKind, PackageEntry
from bot.core.mrkdwn import code, escape, shorten
from bot.core.query import Mode, PackageQuery
from bot.core.timeline import (
    ChangeKind,
    LifeEvent,
    LifeEventKind,
    PackageTimeline,
    PointInTime,
    VersionChange,
)
from bot.slack.buttons import QueryButton
from bot.slack.inventory_messages import SETUP_HINT
from bot.slack.messages import MAX_SECTION_TEXT, Message, context, section, slack_date

SHARE_ACTION = "pkgwhen_share"
WHO_CHANGED_ACTION = "pkgwhen_who_changed"
PAGE_ACTION = "pkgwhen_page"
# Names and versions from data are shown up to this long (the rest is counted), so one odd package
# cannot push everything else out of an answer.
MAX_SHOWN_NAME = 120
MAX_SHOWN_VERSION = 80
# Characters of the "Now:" line given to listing packages; the rest are counted.
CURRENT_LINE_BUDGET = 1500
# Lines of changes per page: each line is at most ~400 characters, and a page stays well under the
# ~13,000 characters Slack accepts in all blocks of a message.
LINES_PER_PAGE = 25

_VERB = {
    ChangeKind.PRESENT_AT_FIRST_RECORD: ":small_blue_diamond: present at first record",
    ChangeKind.INSTALLED: ":new: installed",
    ChangeKind.UPGRADED: ":arrow_up: upgraded",
    ChangeKind.DOWNGRADED: ":arrow_down: *downgraded*",
    ChangeKind.REMOVED: ":x: removed",
    ChangeKind.REINSTALLED: ":recycle: reinstalled",
    ChangeKind.ADDED_BESIDE: ":heavy_plus_sign: installed",
    ChangeKind.EXTRA_REMOVED: ":heavy_minus_sign: removed one of",
    ChangeKind.REPLACED: ":twisted_rightwards_arrows: replaced",
}


@dataclass(frozen=True)
class Asked:
    """What the answer is about, carried in buttons so a click can answer again from the index."""

    server_label: str
    node_id: str
    package: str
    mode: str = "timeline"
    at: datetime | None = None
    since: datetime | None = None
    until: datetime | None = None
    zone: str = "UTC"
    page: int = 1

    def button_value(self, page: int) -> str | None:
        """The value of a Share or page button: this question on `page` (None: too long for a button)."""
        query = PackageQuery(self.node_id, self.package, Mode(self.mode), self.at, self.since, self.until, self.zone)
        return QueryButton.of(query, page).encode()

    def future_note(self, now: datetime) -> str | None:
        """A note when a date asked about is in the future: the answer can only say what is recorded until now."""
        ahead = [m for m in (self.at, self.since, self.until) if m is not None and m > now]
        if not ahead:
            return None
        return (
            f":information_source: {slack_date(ahead[0])} is in the future: this answer says what is recorded "
            f"up to now ({slack_date(now)})."
        )


def versions(values: Sequence[str]) -> str:
    """Versions as code; hotfixes have none, and show none."""
    return ", ".join(code(shorten(v, MAX_SHOWN_VERSION)) for v in values if v)


def in_period(change: VersionChange, since: datetime | None, until: datetime | None) -> bool:
    """Whether the change can have happened in [since, until]: its install time when the record agrees
    with it, else the install day or window as far as they overlap the period."""
    start, end = change.window.span()
    return (since is None or end >= since) and (until is None or start is None or start <= until)


def installed_versions(entries: Sequence[PackageEntry]) -> str:
    """One package's installed versions; each with its architecture when it is installed for several."""
    if len({e.arch for e in entries}) > 1:
        return ", ".join(
            code(f"{shorten(e.version, MAX_SHOWN_VERSION)} ({e.arch})") for e in sorted(entries, key=lambda e: (e.arch, e.version))
        )
    return versions(sorted({e.version for e in entries}))


def install_time(change: VersionChange) -> str | None:
    """The package's own install time, when the record agrees with it: a moment, or the server's day."""
    window = change.window
    if window.exact is None:
        return None
    if window.exact_is_date:
        # A date is the day the server named, never a moment and never shifted into another zone's day.
        day = window.exact_day or window.exact.date()
        return f"*{day.isoformat()}* (install date, the server's own day)"
    return f"*{slack_date(window.exact)}* (install time)"


def when(change: VersionChange) -> str:
    """The honest time of a change: the exact install time when the record agrees, with the window beside it."""
    window = change.window
    if window.after is None:
        span = f"first recorded {slack_date(window.before)}"
    else:
        span = f"recorded between {slack_date(window.after)} and {slack_date(window.before)}"
    installed = install_time(change)
    if installed is not None:
        return f"{installed} · {span}"
    note = f" · _{escape(window.exact_note)}_" if window.exact_note else ""
    return f"{span}{note}"


def _shown(entries: Sequence[PackageEntry], change: VersionChange, fallback: Sequence[str]) -> list[str]:
    """What to list for these entries: their versions, oldest first; with the architecture where the change
    swaps architectures of one version (i386 → x86_64), so the two sides never read the same."""
    if not entries:
        return list(fallback)
    order = {v: i for i, v in enumerate(dict.fromkeys((*change.old, *change.new)))}
    by_arch = not change.arches and len({e.arch for e in (*change.old_entries, *change.new_entries)}) > 1
    ranked = sorted(entries, key=lambda e: (order.get(e.version, len(order)), e.arch))
    return list(dict.fromkeys(f"{e.version} ({e.arch})" if by_arch and e.arch else e.version for e in ranked))


def change_line(change: VersionChange, *, with_name: bool) -> str:
    """One change as a line: what happened, from → to, for which architecture, and when.

    Each side is listed from the change's own entries, so no side is ever empty: a multilib package's
    changes name their architecture; kernels side by side say which came and which went.
    """
    name = f"*{escape(shorten(change.package, MAX_SHOWN_NAME))}* " if with_name else ""
    kind = change.kind
    old = _shown(change.old_entries, change, change.old)
    new = _shown(change.new_entries, change, change.new)
    kept = [v for v in old if v in new]
    came = [v for v in new if v not in kept]
    went = [v for v in old if v not in kept]
    if kind in (ChangeKind.UPGRADED, ChangeKind.DOWNGRADED) and kept and came and went:
        # Several versions side by side (kernels): say which came and went rather than list them all twice.
        what = f"{versions(came)} installed, {versions(went)} removed (kept {versions(kept)})"
    elif kind in (ChangeKind.UPGRADED, ChangeKind.DOWNGRADED, ChangeKind.REPLACED):
        what = f"{versions(old)} → {versions(new)}"
    elif kind in (ChangeKind.INSTALLED, ChangeKind.REINSTALLED, ChangeKind.PRESENT_AT_FIRST_RECORD):
        what = versions(new)
    elif kind is ChangeKind.REMOVED:
        what = versions(old)
    elif kind is ChangeKind.ADDED_BESIDE:
        what = f"{versions(came or new)} beside {versions(old)}"
    else:
        what = f"{versions(went or old)} (stays: {versions(new)})"
    if change.arches:
        what += f" ({escape(', '.join(change.arches))})"
    line = f"{_VERB[kind]} {name}{what}".rstrip() + f"\n        {when(change)}"
    return line[:MAX_SECTION_TEXT]


def life_line(event: LifeEvent) -> str:
    """A deletion or a new beginning of the server, as a line among its changes."""
    if event.kind is LifeEventKind.DELETED:
        how = " (while Config was not recording it)" if event.status == "ResourceDeletedNotRecorded" else ""
        seen = f"; last recorded inventory {slack_date(event.last_capture)}" if event.last_capture else ""
        return (
            f":wastebasket: *server deleted or deregistered*{how}\n        recorded by Config "
            f"{slack_date(event.at)}{seen}"
        )
    return (
        f":arrows_counterclockwise: *server discovered again* — a new life: what follows is not compared "
        f"with what came before\n        recorded by Config {slack_date(event.at)}"
    )


def _sections(lines: Sequence[str]) -> list[dict[str, Any]]:
    """Lines packed into as few sections as Slack's 3,000-character section limit allows."""
    blocks: list[dict[str, Any]] = []
    chunk = ""
    for line in lines:
        if chunk and len(chunk) + 1 + len(line) > MAX_SECTION_TEXT:
            blocks.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        blocks.append(section(chunk))
    return blocks


def _with_button(line: str, value: str | None) -> dict[str, Any]:
    block = section(line)
    if value is not None:
        block["accessory"] = ButtonElement(text="Who changed it?", action_id=WHO_CHANGED_ACTION, value=value).to_dict()
    return block


def _current_line(current: Sequence[PackageEntry], captured_at: datetime | None, node_id: str) -> str:
    """Where the packages stand now; a glob matching hundreds is summarized, not listed past what reads well."""
    at = f" (inventory captured {slack_date(captured_at)})" if captured_at else ""
    if not current:
        return f"*Now:* not installed{at}"
    by_name: dict[str, list[PackageEntry]] = {}
    for entry in current:
        label = entry.name if entry.kind is InventoryKind.APPLICATION else f"{entry.name} ({entry.kind.value})"
        by_name.setdefault(label, []).append(entry)
    shown: list[str] = []
    for name, entries in sorted(by_name.items()):
        item = f"{escape(shorten(name, MAX_SHOWN_NAME))} {installed_versions(entries)}".rstrip()
        if sum(len(i) + 2 for i in shown) + len(item) > CURRENT_LINE_BUDGET:
            break
        shown.append(item)
    installed = "; ".join(shown)
    rest = len(by_name) - len(shown)
    if rest:
        example = code(f"/pkgwhen {node_id} {shorten(next(iter(sorted(by_name))), MAX_SHOWN_NAME)}")
        installed += f"; and {rest:,} more of {len(by_name):,} packages (ask about one, e.g. {example})"
    return f"*Now:* {installed}{at}"


class RefreshAdvice(StrEnum):
    """What would bring a stale inventory up to date."""

    REFRESH = "refresh"  # managed, online, with an inventory association: `/inventory refresh` can run
    OFFLINE = "offline"  # the agent is not connected: nothing runs until it is
    NO_ASSOCIATION = "no_association"  # nothing collects inventory: an association must be set up
    NOT_MANAGED = "not_managed"  # SSM does not manage the server


@dataclass(frozen=True)
class Freshness:
    advice: RefreshAdvice = RefreshAdvice.REFRESH
    ping_status: str | None = None
    last_seen: datetime | None = None


def is_stale(captured_at: datetime | None, now: datetime, stale_after: timedelta) -> bool:
    return captured_at is not None and now - captured_at > stale_after


def _stale_line(
    asked: Asked, captured_at: datetime | None, now: datetime, stale_after: timedelta, freshness: Freshness
) -> str | None:
    if captured_at is None or not is_stale(captured_at, now, stale_after):
        return None
    days = (now - captured_at).total_seconds() / 86400
    age = f"{days:.0f} days" if days >= 2 else f"{(now - captured_at).total_seconds() / 3600:.0f} hours"
    head = f":warning: The last inventory capture is {age} old; changes since then are not recorded yet."
    if freshness.advice is RefreshAdvice.REFRESH:
        return f"{head} `/inventory refresh {asked.node_id}` collects inventory now."
    if freshness.advice is RefreshAdvice.OFFLINE:
        seen = f", last seen {slack_date(freshness.last_seen)}" if freshness.last_seen else ""
        return (
            f"{head} A refresh cannot run now: the server's SSM agent is {code(freshness.ping_status or 'offline')}"
            f"{seen}. Inventory resumes when it reconnects: check that the server is running and its agent "
            "can reach Systems Manager."
        )
    if freshness.advice is RefreshAdvice.NO_ASSOCIATION:
        return (
            f"{head} No `AWS-GatherSoftwareInventory` association applies to this server, so nothing collects "
            f"its inventory. {SETUP_HINT}"
        )
    return f"{head} Systems Manager does not manage this server now, so nothing collects its inventory."


def _buttons(asked: Asked, page: int, pages: int) -> list[dict[str, Any]]:
    """Share, and the pages either side; none whose question is too long to carry (then no actions block)."""
    wanted = [("Share in channel", SHARE_ACTION, page)]
    if page > 1:
        wanted.append(("◀ Newer", PAGE_ACTION + "_prev", page - 1))
    if page < pages:
        wanted.append(("Older ▶", PAGE_ACTION + "_next", page + 1))
    elements = [
        ButtonElement(text=label, action_id=action, value=value)
        for label, action, to in wanted
        if (value := asked.button_value(to)) is not None
    ]
    return [ActionsBlock(elements=elements).to_dict()] if elements else []


def render_timeline(
    timeline: PackageTimeline,
    asked: Asked,
    *,
    current: Sequence[PackageEntry] | None,
    captured_at: datetime | None,
    now: datetime,
    stale_after: timedelta,
    shared_by: str | None = None,
    managed: bool = True,
    who_changed: Callable[[VersionChange], str | None] | None = None,
    freshness: Freshness | None = None,
) -> Message:
    """The answer to `/pkgwhen <server> <package>`: changes newest page first, then where it stands now.

    `who_changed` gives the value of a change's "Who changed it?" button (None: no button for it).
    `freshness` says what would help when the inventory is stale (a refresh only where one can run).
    """
    changes = [c for c in timeline.changes if in_period(c, asked.since, asked.until)]
    events = [
        e for e in timeline.events
        if (asked.since is None or e.at >= asked.since) and (asked.until is None or e.at <= asked.until)
    ]
    several = len(timeline.matched_names) > 1
    # Changes and the server's deletions and rediscoveries, in time order (an event before the changes
    # its own item records).
    rows: list[tuple[tuple[datetime, int], VersionChange | LifeEvent]] = sorted(
        [((c.window.before, 1), c) for c in changes] + [((e.at, 0), e) for e in events], key=lambda row: row[0]
    )
    # Oldest first within a page; page 1 holds the newest changes, "Older" goes back in time.
    pages = max(1, -(-len(rows) // LINES_PER_PAGE))
    page = min(max(asked.page, 1), pages)
    end = len(rows) - (page - 1) * LINES_PER_PAGE
    on_page = [row for _, row in rows[max(0, end - LINES_PER_PAGE) : end]]
    shown = [
        change_line(r, with_name=several or r.package.casefold() != asked.package.casefold())
        if isinstance(r, VersionChange)
        else life_line(r)
        for r in on_page
    ]
    buttons = [
        who_changed(r) if who_changed and not shared_by and isinstance(r, VersionChange) else None for r in on_page
    ]

    matched = ", ".join(code(shorten(n, MAX_SHOWN_NAME)) for n in timeline.matched_names[:8])
    if len(timeline.matched_names) > 8:
        matched += f" and {len(timeline.matched_names) - 8} more"
    title = f"{code(asked.package)} on *{escape(asked.server_label)}*"
    if several:
        title += f" — {len(timeline.matched_names)} packages: {matched}"
    if asked.since or asked.until:
        period = " ".join(
            p for p in (f"since {slack_date(asked.since)}" if asked.since else "", f"until {slack_date(asked.until)}" if asked.until else "") if p
        )
        title += f" · {period}"
    blocks: list[dict[str, Any]] = [section(title)]
    if shown and any(buttons):
        # One section per change, so each can carry its own button.
        blocks += [_with_button(line, value) for line, value in zip(shown, buttons, strict=True)]
    elif shown:
        blocks += _sections(shown)
    else:
        blocks.append(section("No change of it in this period." if (asked.since or asked.until) else "No recorded change."))
    if current is not None:
        blocks.append(section(_current_line(current, captured_at, asked.node_id)))
    stale = _stale_line(asked, captured_at, now, stale_after, freshness or Freshness())
    if stale:
        blocks.append(section(stale))
    if timeline.deleted is not None:
        blocks.append(section(
            f":wastebasket: This server was deleted or deregistered: Config recorded its inventory as deleted "
            f"{slack_date(timeline.deleted.at)}. Nothing is installed on it since; its history ends there."
        ))
    elif not managed and not timeline.unmanaged_since:
        blocks.append(section(":warning: SSM does not list this server as managed now (stopped, terminated or deregistered); this is its recorded history."))
    if timeline.unmanaged_since and timeline.deleted is None:
        blocks.append(section(f":warning: This server is no longer managed by SSM since {slack_date(timeline.unmanaged_since)}; its history ends there."))
    notes = [
        f"{len(changes)} change{'s' if len(changes) != 1 else ''} in {timeline.item_count} Config items "
        f"from {slack_date(timeline.first_capture)} to {slack_date(timeline.last_capture)}",
    ]
    if pages > 1:
        notes.append(f"page {page} of {pages} (newest first)")
    if shared_by:
        notes.append(f"shared by <@{shared_by}>")
    future = asked.future_note(now)
    if future:
        blocks.append(section(future))
    blocks.append(context(*notes))
    if not shared_by:
        blocks += _buttons(asked, page, pages)
    text = f"{escape(asked.package)} on {escape(asked.server_label)}: {len(changes)} change(s)"
    return Message(text=text, blocks=tuple(blocks))


def render_point_in_time(
    answers: dict[str, PointInTime],
    asked: Asked,
    *,
    first_capture: datetime,
    now: datetime,
    shared_by: str | None = None,
) -> Message:
    """The answer to `/pkgwhen <server> <package> at DATE`."""
    assert asked.at is not None
    lines: list[str] = []
    for name, point in sorted(answers.items(), key=lambda kv: kv[0].casefold()):
        label = f"*{escape(shorten(name, MAX_SHOWN_NAME))}*"
        if point.deleted is not None:
            lines.append(
                f"{label}: nothing — the server was deleted or deregistered then (Config recorded it "
                f"{slack_date(point.deleted.at)})"
            )
        elif point.before_history and point.life_began is not None:
            lines.append(
                f"{label}: unknown — the server had just been discovered again ({slack_date(point.life_began)}) "
                "and its inventory was not recorded yet"
            )
        elif point.before_history:
            lines.append(f"{label}: unknown — {slack_date(asked.at)} is before Config's first record of this server ({slack_date(first_capture)})")
        elif point.changing is not None:
            change = point.changing
            lines.append(
                f"{label} was changing then: {versions(change.old)} → {versions(change.new)}, "
                f"{when(change)}. At that moment it was one or the other."
            )
        elif not point.versions:
            lines.append(f"{label}: not installed")
        else:
            lines.append(f"{label}: {installed_versions(point.versions)}")
        for change in point.settled:
            # Inside a recorded window, but the install time says which side of the moment it was on.
            side = "before" if asked.at >= change.window.span()[1] else "after"
            verb = _VERB[change.kind].split(" ", 1)[1].replace("*", "")
            lines[-1] += (
                f" — {verb} {versions(change.new) or versions(change.old)} between two captures, "
                f"{install_time(change)} {side} that moment"
            )
        if point.after_last_capture and point.as_of:
            lines[-1] += f" _(newest capture {slack_date(point.as_of)})_"
    zone = f"a date typed without a zone is read in {escape(asked.zone)}" if asked.zone else ""
    blocks: list[dict[str, Any]] = [section(f"On *{escape(asked.server_label)}* at {slack_date(asked.at)}:")]
    blocks += _sections(lines)
    future = asked.future_note(now)
    if future:
        blocks.append(section(future))
    blocks.append(context(*(p for p in (zone, f"shared by <@{shared_by}>" if shared_by else "") if p)))
    if not shared_by:
        blocks += _buttons(asked, 1, 1)
    text = f"{escape(asked.package)} on {escape(asked.server_label)} at {asked.at.isoformat()}"
    return Message(text=text, blocks=tuple(blocks))
