"""Rendered answers: readable, escaped, and always inside Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.config_items import parse_configuration_item
from bot.core.errors import PackageNeverSeen
from bot.core.timeline import ChangeKind, ChangeWindow, VersionChange, build_timeline, state_at
from bot.sim.fleet import Fleet, SimNode
from bot.sim.slack import slack_rejection
from bot.slack.messages import render_error
from bot.slack.plaintext import blocks_to_text
from bot.slack.timeline_messages import Asked, in_period, render_point_in_time, render_timeline

START = datetime(2024, 1, 1, tzinfo=UTC)
NODE = "i-0123456789abcdef0"


def _history(changes: int, packages: int = 3, name: str = "pkg") -> list:  # type: ignore[type-arg]
    fleet = Fleet()
    node = fleet.add(SimNode(NODE, "host", "Linux", "Amazon Linux", "2", "3.0", "10.0.0.1", START))
    for p in range(packages):
        node.install({"Name": f"{name}{p}", "Version": "1.0", "Release": "1.amzn2", "Architecture": "x86_64"})
    fleet.capture(NODE, START)
    for c in range(1, changes + 1):
        for p in range(packages):
            node.replace({"Name": f"{name}{p}", "Version": f"1.{c}", "Release": "1.amzn2", "Architecture": "x86_64",
                          "InstalledTime": (START + timedelta(days=c, minutes=-5)).strftime("%Y-%m-%dT%H:%M:%SZ")})
        fleet.capture(NODE, START + timedelta(days=c))
    return [parse_configuration_item(i) for i in node.items]


def _asked(package: str, **kwargs: object) -> Asked:
    return Asked(server_label=f"web-1 ({NODE})", node_id=NODE, package=package, **kwargs)  # type: ignore[arg-type]


def test_long_timeline_of_many_packages_stays_inside_slacks_limits_and_pages() -> None:
    snapshots = _history(changes=120, packages=6)
    timeline = build_timeline(snapshots, "pkg*")
    message = render_timeline(timeline, _asked("pkg*"), current=(), captured_at=None, now=START, stale_after=timedelta(days=1))
    assert slack_rejection(message.text, list(message.blocks)) is None
    text = blocks_to_text(message.text, message.blocks)
    assert "page 1 of" in text
    assert "[Older ▶]" in text
    # Page 1 holds the newest changes.
    assert "1.120" in text
    assert "`1.0-1.amzn2` → `1.1-1.amzn2`" not in text  # the oldest change is on the last page


def test_every_page_is_accepted_by_slack() -> None:
    snapshots = _history(changes=60, packages=4)
    timeline = build_timeline(snapshots, "pkg*")
    for page in range(1, 12):
        message = render_timeline(timeline, _asked("pkg*", page=page), current=None, captured_at=None, now=START,
                                  stale_after=timedelta(days=1))
        assert slack_rejection(message.text, list(message.blocks)) is None, page


def test_names_from_data_cannot_ping_or_forge_links() -> None:
    snapshots = _history(changes=2, packages=1, name="<!channel>|<http://evil.example|x>")
    timeline = build_timeline(snapshots, "*")
    message = render_timeline(timeline, _asked("*"), current=None, captured_at=None, now=START, stale_after=timedelta(days=1))
    raw = str(message.blocks)
    assert "<!channel>" not in raw
    assert "<http://evil.example" not in raw
    assert "&lt;!channel&gt;" in raw


def test_upgrade_shows_from_to_and_the_exact_time_with_the_window() -> None:
    snapshots = _history(changes=1, packages=1)
    timeline = build_timeline(snapshots, "pkg0")
    text = blocks_to_text("", render_timeline(timeline, _asked("pkg0"), current=None, captured_at=None, now=START,
                                              stale_after=timedelta(days=1)).blocks)
    assert "upgraded" in text
    assert "1.0-1.amzn2 → 1.1-1.amzn2" in text.replace("`", "")
    assert "2024-01-01 23:55 UTC* (install time)" in text
    assert "between 2024-01-01 00:00 UTC and 2024-01-02 00:00 UTC" in text


def test_stale_capture_offers_a_refresh() -> None:
    snapshots = _history(changes=1, packages=1)
    timeline = build_timeline(snapshots, "pkg0")
    message = render_timeline(timeline, _asked("pkg0"), current=(), captured_at=START, now=START + timedelta(days=3),
                              stale_after=timedelta(days=1))
    text = blocks_to_text("", message.blocks)
    assert "3 days old" in text
    assert f"/inventory refresh {NODE}" in text


def test_point_in_time_inside_a_window_is_settled_by_the_install_time() -> None:
    snapshots = _history(changes=2, packages=1)  # pkg0 1.1 installed at 23:55 on day 1, recorded on day 2
    for hours, shown, side in ((12, "1.1-1.amzn2", "after"), (23, "1.1-1.amzn2", "after"), (24 - 1 / 60, "1.2-1.amzn2", "before")):
        at = START + timedelta(days=1, hours=hours)
        message = render_point_in_time(state_at(snapshots, "pkg0", at), _asked("pkg0", mode="at", at=at), first_capture=START,
                                       now=START + timedelta(days=30))
        text = blocks_to_text("", message.blocks)
        assert f"*pkg0*: `{shown}` — upgraded `1.2-1.amzn2` between two captures" in text
        assert f"(install time) {side} that moment" in text
        assert "was changing then" not in text


def test_point_in_time_inside_a_window_without_an_install_time_says_it_was_changing() -> None:
    fleet = Fleet()
    node = fleet.add(SimNode(NODE, "host", "Linux", "Amazon Linux", "2", "3.0", "10.0.0.1", START))
    node.install({"Name": "telnet", "Version": "0.17", "Release": "65.amzn2", "Architecture": "x86_64"})
    node.install({"Name": "bash", "Version": "4.2.46", "Release": "34.amzn2", "Architecture": "x86_64"})
    fleet.capture(NODE, START)
    node.remove("telnet")
    fleet.capture(NODE, START + timedelta(days=1))
    at = START + timedelta(hours=12)
    snapshots = [parse_configuration_item(i) for i in node.items]
    message = render_point_in_time(state_at(snapshots, "telnet", at), _asked("telnet", mode="at", at=at, zone="Asia/Tokyo"),
                                   first_capture=START, now=START + timedelta(days=30))
    text = blocks_to_text("", message.blocks)
    assert "was changing then" in text
    assert "At that moment it was one or the other." in text
    assert "read in Asia/Tokyo" in text
    assert slack_rejection(message.text, list(message.blocks)) is None


def test_never_seen_suggests_close_names() -> None:
    message = render_error(PackageNeverSeen("opnssl", "web-1", "Config history from 2020-06-29 to 2026-11-20", ["openssl"]))
    text = blocks_to_text(message.text, message.blocks)
    assert "`opnssl` was never seen on web-1" in text
    assert "Did you mean `openssl`?" in text


def _glibc(release: str, arch: str) -> dict[str, str]:
    return {"Name": "glibc", "Version": "2.17", "Release": release, "Architecture": arch}


def test_multilib_lines_name_their_architecture_and_never_list_nothing() -> None:
    fleet = Fleet()
    node = fleet.add(SimNode(NODE, "host", "Linux", "CentOS Linux", "7", "3.0", "10.0.0.1", START))
    node.install(_glibc("317.el7", "x86_64"))
    node.install(_glibc("317.el7", "i686"))
    fleet.capture(NODE, START)
    node.installed["AWS:Application"] = [_glibc("323.el7_9", "x86_64"), _glibc("317.el7", "i686")]
    fleet.capture(NODE, START + timedelta(days=1))
    node.installed["AWS:Application"] = [_glibc("324.el7_9", "x86_64"), _glibc("324.el7_9", "i686")]
    fleet.capture(NODE, START + timedelta(days=2))
    node.installed["AWS:Application"] = [_glibc("324.el7_9", "x86_64")]
    fleet.capture(NODE, START + timedelta(days=3))
    timeline = build_timeline([parse_configuration_item(i) for i in node.items], "glibc")
    message = render_timeline(timeline, _asked("glibc"), current=None, captured_at=None, now=START,
                              stale_after=timedelta(days=1))
    lines = [line for line in blocks_to_text("", message.blocks).replace("`", "").splitlines() if "2.17" in line]
    assert lines == [
        ":small_blue_diamond: present at first record 2.17-317.el7 (i686, x86_64)",
        ":arrow_up: upgraded 2.17-317.el7 → 2.17-323.el7_9 (x86_64)",
        ":arrow_up: upgraded 2.17-317.el7 → 2.17-324.el7_9 (i686)",
        ":arrow_up: upgraded 2.17-323.el7_9 → 2.17-324.el7_9 (x86_64)",
        ":x: removed 2.17-324.el7_9 (i686)",
    ]


def test_a_windows_install_date_shows_as_the_day_the_server_named() -> None:
    fleet = Fleet()
    node = fleet.add(SimNode(NODE, "EC2AMAZ-TOKYO", "Windows", "Microsoft Windows Server 2022 Datacenter",
                             "10.0.20348", "3.3", "10.0.0.2", START))
    node.install({"Name": "7-Zip 23.01 (x64)", "Version": "22.01", "Architecture": "x86_64"})
    fleet.capture(NODE, datetime(2022, 3, 29, 3, 0, tzinfo=UTC))
    # Installed on 30 March on a UTC+9 server: the agent writes its local midnight in UTC.
    node.replace({"Name": "7-Zip 23.01 (x64)", "Version": "23.01", "Architecture": "x86_64",
                  "InstalledTime": "2022-03-29T15:00:00Z"})
    node.install({"HotFixId": "KB5011497", "InstalledTime": "2022-03-29T15:00:00Z"}, "AWS:WindowsUpdate")
    fleet.capture(NODE, datetime(2022, 3, 31, 3, 0, tzinfo=UTC))
    timeline = build_timeline([parse_configuration_item(i) for i in node.items], "*")
    text = blocks_to_text("", render_timeline(timeline, _asked("*"), current=None, captured_at=None, now=START,
                                              stale_after=timedelta(days=1)).blocks)
    assert text.count("*2022-03-30* (install date, the server's own day)") == 2
    assert "*2022-03-29*" not in text
    assert "15:00" not in text


def _on(window: ChangeWindow) -> VersionChange:
    return VersionChange("curl", ChangeKind.UPGRADED, ("1",), ("2",), window, NODE, "1")


def _d(day: float) -> datetime:
    return START + timedelta(days=day)


PERIOD_ROWS = {
    # A window from day 0 to day 10 whose install time says day 8.
    "the install time in the period": (ChangeWindow(_d(0), _d(10), exact=_d(8)), _d(7), _d(9), True),
    "the window overlaps, the install time does not": (ChangeWindow(_d(0), _d(10), exact=_d(8)), _d(1), _d(5), False),
    "the install time after the period": (ChangeWindow(_d(0), _d(10), exact=_d(8)), None, _d(7), False),
    "no install time: the window overlaps": (ChangeWindow(_d(0), _d(10)), _d(1), _d(5), True),
    "no install time: the window ends before": (ChangeWindow(_d(0), _d(10)), _d(11), None, False),
    "first record: everything before it": (ChangeWindow(None, _d(10)), None, _d(-100), True),
    # The server's day (zoned) is day 8 00:00 to day 9 00:00.
    "the install day overlaps": (
        ChangeWindow(_d(0), _d(10), exact=_d(8), exact_is_date=True, exact_day_zoned=True), _d(8.5), _d(12), True
    ),
    "the install day is before": (
        ChangeWindow(_d(0), _d(10), exact=_d(8), exact_is_date=True, exact_day_zoned=True), _d(9.5), None, False
    ),
}


@pytest.mark.parametrize(("window", "since", "until", "kept"), PERIOD_ROWS.values(), ids=PERIOD_ROWS.keys())
def test_a_change_is_in_a_period_when_its_honest_time_can_be(
    window: ChangeWindow, since: datetime | None, until: datetime | None, kept: bool
) -> None:
    assert in_period(_on(window), since, until) is kept
