"""Property: whatever the data — hostile or oversized names, tags, versions, command lines, item sizes —
every renderer's message is within Slack's limits, pings nobody, links nowhere, and raises nothing.

Hypothesis generates the values; each renderer gets them where real data would be.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bot.core.errors
from bot.core.change_summary import ChangeSummary, summarize
from bot.core.config_items import InventorySnapshot, parse_configuration_item
from bot.core.errors import (
    AccessDenied,
    AmbiguousServer,
    AssociationChanged,
    AwsUnavailable,
    AwsUnreachable,
    CredentialsExpired,
    CredentialsInvalid,
    InventoryNotSetUp,
    LookupCoolingDown,
    LookupFailed,
    LookupTimedOut,
    LookupUnanswered,
    NoAwsCredentials,
    NoHistory,
    NotAskable,
    NotLinux,
    NotManaged,
    NotRecording,
    PackageNeverSeen,
    PkgwhenError,
    RefreshCoolingDown,
    RequestRepeated,
    RunRefused,
    ServerOffline,
    Throttled,
    UnknownServer,
    UsageError,
    WriteDenied,
)
from bot.core.lookup import Lookup, find
from bot.core.nodes import AssociationRun, InventoryAssociation, NodeStatus
from bot.core.query import parse_pkgwhen
from bot.core.refresh import RefreshContext, RefreshRun, Stage
from bot.core.servers import ManagedServer
from bot.core.timeline import build_timeline, state_at
from bot.core.transactions import PackageChange, Transaction, TransactionReport
from bot.core.usage import PKGWHEN_USAGE
from bot.sim.fleet import Fleet, SimNode, iso
from bot.sim.slack import slack_rejection, visible_texts
from bot.slack.buttons import ForgedButton
from bot.slack.change_messages import (
    DigestServer,
    render_change_detail,
    render_change_summary,
    render_digest_servers,
    render_fleet_digest,
)
from bot.slack.inventory_messages import (
    render_association_confirmation,
    render_cancelled,
    render_refresh_progress,
    render_refresh_result,
    render_status,
)
from bot.slack.messages import Message, progress, render_error, render_internal_error, render_usage
from bot.slack.timeline_messages import Asked, render_point_in_time, render_timeline
from bot.slack.who_changed_messages import render_finding, summary_line

START = datetime(2025, 1, 1, tzinfo=UTC)
NOW = START + timedelta(days=40)
NODE = "i-0123456789abcdef0"
USER = "U0ALICE"
CHANNEL = "C0OPS"
# What pkgwhen itself writes in mrkdwn: date tokens, and mentions of the asker and the channel.
_OURS = re.compile(r"<!date\^\d+\^[^|>]*\|[^>]*>|<@" + USER + ">|<#" + CHANNEL + ">")

PIECES = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0EVIL>",
    "<@U0EVIL|evil>",
    "<#C0EVIL>",
    "<!subteam^S0EVIL>",
    "<http://evil.example|click>",
    "<mailto:a@b.c|x>",
    "&lt;!channel&gt;",
    "AT&T",
    "`",
    "```",
    "*",
    "_",
    "~",
    ">",
    "\n",
    "é",
    "😀",
    "\u202e",
    "\x00",
]
hostile = st.builds(
    lambda parts, repeat, tail: "".join(parts) * repeat + tail,
    st.lists(st.sampled_from(PIECES) | st.text(max_size=8), min_size=1, max_size=6),
    # Usually short; sometimes far longer than any Slack limit (built by repetition: cheap to generate).
    st.one_of(st.just(1), st.integers(1, 5), st.integers(100, 4000)),
    st.text(max_size=5),
)
name = hostile.filter(lambda s: s.strip() != "")


def assert_fits(message: Message) -> None:
    """Within every Slack limit, and nothing in it can ping, mention or link but what pkgwhen wrote."""
    assert slack_rejection(message.text, list(message.blocks)) is None
    for text in visible_texts([{"text": message.text}, *message.blocks]):
        rest = _OURS.sub("", text)
        assert "<" not in rest, text[:300]


def snapshots(packages: list[tuple[str, list[str]]], summary: str = "") -> list[InventorySnapshot]:
    """A server whose packages took these versions over successive captures (an empty version: absent)."""
    fleet = Fleet()
    node = fleet.add(SimNode(NODE, "host", "Linux", "Amazon Linux", "2023", "3.3.0.0", "10.0.0.1", START))
    captures = max((len(v) for _, v in packages), default=1)
    for step in range(captures):
        at = START + timedelta(days=step)
        node.installed["AWS:Application"] = [
            {"Name": package, "Version": versions[min(step, len(versions) - 1)], "Release": "1",
             "Architecture": "x86_64", "Summary": summary, "InstalledTime": iso(at - timedelta(minutes=5))}
            for package, versions in packages
            if versions[min(step, len(versions) - 1)]
        ]
        fleet.capture(NODE, at)
    return [parse_configuration_item(item) for item in node.items]


history = st.lists(st.tuples(name, st.lists(hostile, min_size=1, max_size=4)), min_size=1, max_size=30)
labels = st.builds(lambda n: f"{n} ({NODE})", name)
common = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@common
@given(packages=history, label=labels, glob=st.sampled_from(["*", "?*", "[a-z]*"]) | name, summary=hostile)
def test_timelines_and_moments_fit(packages: list[tuple[str, list[str]]], label: str, glob: str, summary: str) -> None:
    items = snapshots(packages, summary)
    timeline = build_timeline(items, glob)
    asked = Asked(server_label=label, node_id=NODE, package=glob, zone=label[:40])
    for page in (1, 2, 99):
        assert_fits(
            render_timeline(
                timeline,
                Asked(label, NODE, glob, page=page, since=START, until=NOW + timedelta(days=1)),
                current=items[-1].packages,
                captured_at=items[-1].captured_at,
                now=NOW,
                stale_after=timedelta(days=1),
                who_changed=lambda change: None,
            )
        )
    assert_fits(
        render_timeline(timeline, asked, current=(), captured_at=None, now=NOW, stale_after=timedelta(days=1),
                        managed=False, shared_by=USER)
    )
    at = START + timedelta(hours=12)
    moment = Asked(label, NODE, glob, mode="at", at=at, zone=label[:40])
    assert_fits(render_point_in_time(state_at(items, glob, at), moment, first_capture=START, now=NOW))


errors: list[Callable[[str, str], PkgwhenError]] = [
    lambda a, b: UnknownServer(a, [b, a]),
    lambda a, b: AmbiguousServer(a, [b] * 500),
    lambda a, b: PackageNeverSeen(a, b, b, [a, b]),
    lambda a, b: WriteDenied(a, USER, "the platform team"),
    lambda a, b: InventoryNotSetUp(a),
    lambda a, b: ServerOffline(a, b, "yesterday"),
    lambda a, b: NotManaged(a),
    lambda a, b: RefreshCoolingDown(a, USER, "yesterday", "5 min"),
    lambda a, b: RequestRepeated(a, "yesterday"),
    AwsUnavailable,
    AwsUnreachable,
    lambda a, b: CredentialsExpired(a),
    CredentialsInvalid,
    lambda a, b: AccessDenied(a),
    lambda a, b: NoHistory(a),
    lambda a, b: UsageError(f"{b}", PKGWHEN_USAGE),
    lambda a, b: ForgedButton(),
    lambda a, b: NotRecording(recorder_exists=True),
    lambda a, b: Throttled(a, 30),
    lambda a, b: LookupUnanswered(a),
    lambda a, b: NoAwsCredentials(),
    RunRefused,
    AssociationChanged,
    NotLinux,
    lambda a, b: NotAskable(a, b, a),
    lambda a, b: LookupTimedOut(a, 600, b),
    lambda a, b: LookupFailed(a, "Failed", b),
    lambda a, b: LookupCoolingDown(a, USER, "yesterday", "5 min"),
]


def test_every_error_type_is_tried_here() -> None:
    tried = {make("x", "y").__class__ for make in errors}
    defined = {
        kind
        for kind in vars(bot.core.errors).values()
        if isinstance(kind, type) and issubclass(kind, PkgwhenError) and kind is not PkgwhenError
    }
    assert defined - tried == set()


@pytest.mark.parametrize("make", errors, ids=lambda make: make("x", "y").__class__.__name__)
@common
@given(first=hostile, second=hostile)
def test_every_error_fits(make: Callable[[str, str], PkgwhenError], first: str, second: str) -> None:
    # Errors take plain data; only UsageError is given mrkdwn, so escape what this test hands it.
    error = make(first, second)
    if isinstance(error, UsageError):
        error = UsageError(second.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), PKGWHEN_USAGE)
    assert_fits(render_error(error))


@common
@given(typed=hostile)
def test_anything_typed_is_understood_or_answered_in_limits(typed: str) -> None:
    for text in (typed, f"web-1 {typed}", f"web-1 curl at {typed}", f"{typed} curl since {typed}"):
        try:
            parse_pkgwhen(text, now=NOW)
        except UsageError as error:
            assert_fits(render_error(error))
    assert_fits(render_usage(PKGWHEN_USAGE))
    assert_fits(render_internal_error(typed[:20].encode().hex()))


@common
@given(label=hostile, platform=hostile, words=st.lists(hostile, min_size=6, max_size=6), servers=st.integers(0, 10**6))
def test_inventory_answers_fit(label: str, platform: str, words: list[str], servers: int) -> None:
    node = NodeStatus(NODE, words[0], START, words[1], platform, label)
    association = InventoryAssociation(words[2], words[3], words[4], words[5], START, words[0], words[1])
    assert_fits(render_status(label, node, association, START, now=NOW, stale_after=timedelta(days=1)))
    assert_fits(render_status(label, None, None, None, now=NOW, stale_after=timedelta(days=1)))
    about = RefreshContext(label, USER, words[2], timedelta(minutes=10), words[3])
    summary = render_change_summary(_summary(words), label)
    for stage in Stage:
        run = RefreshRun(NODE, START, START, timedelta(minutes=10), confirmed=False, stage=stage,
                         captured_at=START, recorded_at=START, run_status=words[4])
        assert_fits(render_refresh_progress(run, about))
        assert_fits(render_refresh_result(run, about, summary=summary, previous_capture=START,
                                          association_run=AssociationRun(words[0], words[1], START, words[5])))
    assert_fits(render_association_confirmation(label, NODE, association, servers))
    assert_fits(render_cancelled(USER))
    assert_fits(progress(label.replace("<", "&lt;").replace(">", "&gt;").replace("&", "&amp;")))


def _summary(words: list[str]) -> ChangeSummary:
    items = snapshots([(w or "x", [w, w + "1", ""]) for w in words])
    return summarize(items[0], items[-1], watchlist=[words[0] or "x", "*"])


@common
@given(words=st.lists(hostile, min_size=4, max_size=4), many=st.integers(1, 400))
def test_alerts_fit(words: list[str], many: int) -> None:
    summary = _summary(words)
    label = words[0]
    assert_fits(render_change_summary(summary, label))
    for message in render_change_detail(summary, label):
        assert_fits(message)
    servers = [DigestServer(f"{label}{n}", NODE, START + timedelta(minutes=n)) for n in range(many)]
    assert_fits(render_fleet_digest(summary, servers))
    assert_fits(render_digest_servers(servers))


@common
@given(
    words=st.lists(hostile, min_size=6, max_size=6),
    rows=st.integers(0, 300),
    package=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._+:~-]{0,40}", fullmatch=True),
)
def test_who_changed_threads_fit(words: list[str], rows: int, package: str) -> None:
    changes = tuple(
        PackageChange(package if n == 0 else f"{words[n % 6]}{n}", words[1], words[2], words[3], words[4])
        for n in range(rows)
    )
    transaction = Transaction("yum", words[0], START + timedelta(hours=1), START + timedelta(hours=2), words[1],
                              words[2], changes, words[3], words[4])
    report = TransactionReport((transaction,) * 3, truncated=True, sources=(words[5],), notes=(words[5],), package=package)
    server = ManagedServer(NODE, name_tag=words[0], computer_name=words[1], platform=words[2])
    lookup = Lookup(server, package, START, START + timedelta(days=1), change=words[5])
    finding = find(report, lookup)
    for message in render_finding(finding, lookup):
        assert_fits(message)
    line = summary_line(finding, lookup)
    assert_fits(Message(text=line, blocks=()))


@pytest.mark.parametrize("length", [2880, 2895, 2910, 2990])
def test_a_digest_server_whose_name_fills_a_section_keeps_its_date_whole(length: int) -> None:
    # The line is cut where the capture time's `<!date^…|…>` begins: a bare `<` would be Slack's to misread.
    assert_fits(render_digest_servers([DigestServer("0" * length, NODE, START)]))
