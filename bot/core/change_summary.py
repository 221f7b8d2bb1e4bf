"""What changed on a server between two inventory items, summarized for a channel: counts, notable packages first.

Shared by change alerts (one post per server change, or a fleet digest when many servers changed alike)
and `/inventory refresh` (what a refresh changed). Pure functions over snapshots; the diff itself is
`bot.core.timeline.diff_snapshots`, so alerts and /pkgwhen call the same change the same thing.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.config_items import InventorySnapshot
from bot.core.mrkdwn import code, escape
from bot.core.timeline import ChangeKind, VersionChange, diff_snapshots
from bot.core.versions import scheme_for
from bot.slack.messages import MAX_BLOCKS, MAX_SECTION_TEXT, Message, context, section, slack_date
from bot.slack.timeline_messages import change_line

# How many notable changes the channel post shows; the rest is in the thread.
NOTABLE_SHOWN = 8
# Lines per thread reply: each line is at most a few hundred characters, well inside Slack's limits.
DETAIL_LINES_PER_MESSAGE = 40

# The categories a reader counts, in the order they are written.
COUNTED = ("upgraded", "installed", "removed", "downgraded", "replaced", "present")
_CATEGORY = {
    ChangeKind.UPGRADED: "upgraded",
    ChangeKind.INSTALLED: "installed",
    ChangeKind.REINSTALLED: "installed",
    ChangeKind.ADDED_BESIDE: "installed",
    ChangeKind.REMOVED: "removed",
    ChangeKind.EXTRA_REMOVED: "removed",
    ChangeKind.DOWNGRADED: "downgraded",
    ChangeKind.REPLACED: "replaced",
    ChangeKind.PRESENT_AT_FIRST_RECORD: "present",
}
# Within the non-notable changes, what a reader should see first.
_URGENCY = {"downgraded": 0, "removed": 1, "installed": 2, "upgraded": 3, "replaced": 4, "present": 5}


@dataclass(frozen=True)
class ChangeSummary:
    """The package changes of one server from one item (`previous`) to a later one (`current`)."""

    node_id: str
    state_id: str
    captured_at: datetime
    # None when `current` is the first item with package data pkgwhen knows of.
    previous_state_id: str | None
    previous_captured_at: datetime | None
    # Notable changes first (watchlist order), then downgrades, removals, installs, upgrades.
    changes: tuple[VersionChange, ...]
    notable_count: int
    # (category, count) for each category with at least one change, in COUNTED order.
    counts: tuple[tuple[str, int], ...]
    account_id: str = ""
    region: str = ""
    # `current` held no package data (only InstanceInformation, or a deleted resource).
    packages_unknown: bool = False

    @property
    def notable(self) -> tuple[VersionChange, ...]:
        return self.changes[: self.notable_count]

    @property
    def is_noise(self) -> bool:
        """Nothing a reader would call a package change (install times, package ids, platform churn)."""
        return not self.changes

    @property
    def first_record(self) -> bool:
        return self.previous_state_id is None

    def count(self, category: str) -> int:
        return dict(self.counts).get(category, 0)

    def signature(self) -> tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]:
        """The change itself, without the server: equal on two servers means they changed alike."""
        return tuple(
            sorted((c.package.casefold(), c.kind.value, c.old, c.new) for c in self.changes)
        )


def is_watched(package: str, watchlist: Sequence[str]) -> int | None:
    """The position of the first watchlist pattern (name or glob, any case) matching `package`, if any."""
    name = package.casefold()
    for position, pattern in enumerate(watchlist):
        if fnmatch.fnmatchcase(name, pattern.strip().casefold()):
            return position
    return None


def summarize(
    previous: InventorySnapshot | None, current: InventorySnapshot, *, watchlist: Sequence[str]
) -> ChangeSummary:
    """The summary of what changed on `current`'s server since `previous` (its newest earlier item)."""
    usable = previous if previous is not None and previous.packages_known else None
    scheme = scheme_for(current if current.packages_known else usable or current)
    changes = diff_snapshots(usable, current, scheme)
    notable: list[tuple[int, VersionChange]] = []
    rest: list[VersionChange] = []
    for change in changes:
        position = is_watched(change.package, watchlist)
        if position is None:
            rest.append(change)
        else:
            notable.append((position, change))
    notable.sort(key=lambda pc: (pc[0], pc[1].package.casefold()))
    rest.sort(key=lambda c: (_URGENCY[_CATEGORY[c.kind]], c.package.casefold()))
    tally: dict[str, int] = {}
    for change in changes:
        tally[_CATEGORY[change.kind]] = tally.get(_CATEGORY[change.kind], 0) + 1
    return ChangeSummary(
        node_id=current.node_id,
        state_id=current.state_id,
        captured_at=current.captured_at,
        previous_state_id=usable.state_id if usable is not None else None,
        previous_captured_at=usable.captured_at if usable is not None else None,
        changes=tuple(change for _, change in notable) + tuple(rest),
        notable_count=len(notable),
        counts=tuple((category, tally[category]) for category in COUNTED if category in tally),
        account_id=current.account_id,
        region=current.region,
        packages_unknown=not current.packages_known,
    )


# --- rendering ------------------------------------------------------------------------------------------


def counts_text(summary: ChangeSummary) -> str:
    """`27 upgraded, 2 installed, 1 removed` (or what there was)."""
    words = {"present": "present at first record"}
    return ", ".join(f"{n} {words.get(category, category)}" for category, n in summary.counts)


def short_line(change: VersionChange, *, with_name: bool = True) -> str:
    """One change as /pkgwhen writes it, without its time (a summary states the time once)."""
    return change_line(change, with_name=with_name).split("\n", 1)[0]


def _window_text(summary: ChangeSummary) -> str:
    if summary.previous_captured_at is None:
        return f"first inventory recorded {slack_date(summary.captured_at)}"
    return (
        f"between inventory captures {slack_date(summary.previous_captured_at)} and "
        f"{slack_date(summary.captured_at)}"
    )


def _headline(summary: ChangeSummary, server_label: str) -> str:
    server = f"*{escape(server_label)}*"
    if server_label != summary.node_id:
        server += f" ({code(summary.node_id)})"
    if summary.packages_unknown:
        return f":grey_question: {server}: inventory recorded without package data"
    if summary.is_noise:
        return f":white_small_square: {server}: inventory changed, no package changed"
    icon = ":warning:" if summary.count("downgraded") or summary.count("removed") else ":package:"
    return f"{icon} {server}: {counts_text(summary)}"


def has_thread_detail(summary: ChangeSummary) -> bool:
    """Whether the channel post leaves changes out, so that the full list belongs in its thread."""
    return len(summary.changes) > NOTABLE_SHOWN


def render_change_summary(summary: ChangeSummary, server_label: str) -> Message:
    """The channel post for one server change: counts, the notable packages, and where the rest is."""
    blocks: list[dict[str, Any]] = [section(_headline(summary, server_label))]
    # Notable changes come first in `changes`; the rest fill the lines left, most urgent first.
    shown = list(summary.changes[:NOTABLE_SHOWN])
    if shown:
        lines = "\n".join(short_line(c) for c in shown)
        blocks.append(section(lines[:MAX_SECTION_TEXT]))
    notes = [_window_text(summary)]
    hidden = len(summary.changes) - len(shown)
    if hidden > 0:
        notes.append(f"{len(summary.changes)} changes in all, every one in the thread")
    if summary.account_id or summary.region:
        notes.append(" · ".join(escape(p) for p in (summary.account_id, summary.region) if p))
    blocks.append(context(*notes))
    text = f"{escape(server_label)}: {counts_text(summary) or 'no package changed'}"
    return Message(text=text, blocks=tuple(blocks))


def render_change_detail(summary: ChangeSummary, server_label: str) -> tuple[Message, ...]:
    """Every change of the summary, for the thread under the channel post (several replies when long)."""
    if not summary.changes:
        return ()
    lines = [change_line(c, with_name=True) for c in summary.changes]
    return _paged(lines, f"All {len(lines)} changes on {escape(server_label)}")


def _paged(lines: Sequence[str], title: str) -> tuple[Message, ...]:
    messages: list[Message] = []
    for start in range(0, len(lines), DETAIL_LINES_PER_MESSAGE):
        page = lines[start : start + DETAIL_LINES_PER_MESSAGE]
        heading = title if start == 0 else f"{title} (continued)"
        blocks = [section(f"*{heading}*"), *_sections(page)]
        messages.append(Message(text=heading.replace("*", ""), blocks=tuple(blocks[:MAX_BLOCKS])))
    return tuple(messages)


def _sections(lines: Sequence[str]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    chunk = ""
    for full in lines:
        line = full[:MAX_SECTION_TEXT]
        if chunk and len(chunk) + 1 + len(line) > MAX_SECTION_TEXT:
            blocks.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        blocks.append(section(chunk))
    return blocks


@dataclass(frozen=True)
class DigestServer:
    """One server of a fleet digest."""

    label: str
    node_id: str
    captured_at: datetime


def render_fleet_digest(sample: ChangeSummary, servers: Sequence[DigestServer]) -> Message:
    """The channel post for the same change on many servers: `curl a → b on 43 servers`."""
    count = len(servers)
    on = f"on {count} server{'s' if count != 1 else ''}"
    blocks: list[dict[str, Any]] = [
        section(f":busts_in_silhouette: *Fleet change {on}*: {counts_text(sample)}")
    ]
    shown = sample.changes[:NOTABLE_SHOWN]
    lines = [f"{short_line(c)} {on}" for c in shown]
    if lines:
        blocks.append(section("\n".join(lines)[:MAX_SECTION_TEXT]))
    times = [s.captured_at for s in servers]
    notes = [f"inventory captured from {slack_date(min(times))} to {slack_date(max(times))}"] if times else []
    names = ", ".join(escape(s.label) for s in servers[:10])
    if count > 10:
        names += f" and {count - 10} more"
    notes.append(f"servers: {names}; per-server detail in the thread")
    if len(sample.changes) > len(shown):
        notes.append(f"{len(sample.changes)} changes in all, listed in the thread")
    blocks.append(context(*(n[:2900] for n in notes)))
    text = f"{counts_text(sample)} {on}"
    return Message(text=text[:3000], blocks=tuple(blocks))


def render_digest_servers(servers: Sequence[DigestServer], *, first: int = 1) -> Message:
    """A thread reply naming servers of a digest with their capture times (numbered from `first`)."""
    lines = [
        f"{first + n}. *{escape(s.label)}*"
        + (f" ({code(s.node_id)})" if s.label != s.node_id else "")
        + f" · captured {slack_date(s.captured_at)}"
        for n, s in enumerate(servers)
    ]
    blocks = [section("*Servers*"), *_sections(lines)]
    return Message(text=f"{len(servers)} servers", blocks=tuple(blocks[:MAX_BLOCKS]))
