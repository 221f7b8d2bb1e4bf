"""The simulated nodes answer the package-history document in line with their Config timeline.

Every check goes through what pkgwhen itself would do with the answer: `parse_history_output`, the
transactions near a timeline change, and their reading.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import boto3
import pytest
from botocore.config import Config

from bot.core.config_items import parse_configuration_item
from bot.core.lookup import TRANSACTION_LEEWAY
from bot.core.timeline import VersionChange, build_timeline
from bot.core.transactions import (
    UPGRADE,
    ReadingKind,
    Transaction,
    TransactionReport,
    near,
    parse_history_output,
    read_transaction,
    transactions_touching,
)
from bot.sim import default_fleet as df
from bot.sim.aws import AwsStandIn, Faults
from bot.sim.fleet import Fleet, SimNode
from bot.sim.pm_history_runner import DOCUMENT_NAME, PackageHistoryRun

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
T = TypeVar("T")


@pytest.fixture(scope="module")
def fleet() -> Fleet:
    return df.build_default_fleet(NOW)


def node(fleet: Fleet, node_id: str) -> SimNode:
    found = fleet.node(node_id)
    assert found is not None
    return found


def change_on(n: SimNode, package: str, day: str) -> VersionChange:
    """The timeline's change of `package` whose window ends on `day` (YYYY-MM-DD)."""
    timeline = build_timeline([parse_configuration_item(item) for item in n.items], package)
    matches = [c for c in timeline.changes if f"{c.window.before:%Y-%m-%d}" == day]
    assert len(matches) == 1, [(c.kind, c.window) for c in timeline.changes]
    return matches[0]


def ask(
    run: PackageHistoryRun, n: SimNode, package: str, change: VersionChange | None = None
) -> TransactionReport:
    """Run the document as pkgwhen would for a change: the window (with slack) selects what to detail."""
    parameters = {"packageName": [package]}
    if change is not None:
        start = (change.window.after or change.window.before - timedelta(days=1)) - TRANSACTION_LEEWAY
        parameters["windowStart"] = [f"{start:%Y-%m-%dT%H:%M}"]
        parameters["windowEnd"] = [f"{change.window.before + TRANSACTION_LEEWAY:%Y-%m-%dT%H:%M}"]
    code, stdout, stderr = run(n, parameters)
    assert code == 0, stderr
    return parse_history_output(stdout)


def the_transaction(report: TransactionReport, package: str, change: VersionChange) -> Transaction:
    """The one transaction inside the change's window (a minute's slack for list rows)."""
    found = near(
        transactions_touching(report, package),
        change.window.after,
        change.window.before,
        timedelta(minutes=1),
    )
    assert len(found) == 1, found
    return found[0]


def test_first_boot_security_update_of_libxml2_reads_as_cloud_init(fleet: Fleet) -> None:
    web = node(fleet, df.AL2_WEB)
    change = change_on(web, "libxml2", "2020-06-29")
    report = ask(PackageHistoryRun(), web, "libxml2", change)
    assert report.complete and not report.truncated
    t = the_transaction(report, "libxml2", change)
    assert t.user == "System <unset>" and t.command_line is not None and "--security" in t.command_line
    assert t.begin == df.FIRST_BOOT_UPGRADE_TIME
    name, old, new = df.FIRST_BOOT_UPGRADES[0]
    assert t.change_of(name) is not None
    assert (t.change_of(name).old_version, t.change_of(name).new_version) == (old, new)  # type: ignore[union-attr]
    reading = read_transaction(t, launched_at=df.AL2_WEB_LAUNCH, package="libxml2", report=report)
    assert reading.kind is ReadingKind.FIRST_BOOT_SECURITY_UPDATE
    assert "cloud-init.log shows" in reading.text


def test_the_seed_yum_update_of_curl_reads_as_ec2_users_command(fleet: Fleet) -> None:
    web = node(fleet, df.AL2_WEB)
    change = change_on(web, "curl", "2020-07-02")
    report = ask(PackageHistoryRun(), web, "curl", change)
    t = the_transaction(report, "curl", change)
    curl = t.change_of("curl")
    assert curl is not None and curl.action == UPGRADE
    assert (curl.old_version, curl.new_version) == (change.old[-1], change.new[-1])
    assert t.begin is not None and df.SEED_YUM_START <= t.begin <= change.window.before
    # One transaction: the agent that upgraded first and the packages after it; of 31, the document
    # details curl and 25 others and counts the rows of the last five.
    assert t.change_of("amazon-ssm-agent") is not None and t.change_of("glibc") is not None
    assert len(t.changes) == 26 and t.omitted_changes == 10
    reading = read_transaction(t, launched_at=df.AL2_WEB_LAUNCH, package="curl", report=report)
    assert reading.kind is ReadingKind.PERSON
    assert (reading.who, reading.command) == ("EC2 Default User <ec2-user>", "yum update")


def test_a_maintenance_window_update_reads_as_patch_manager(fleet: Fleet) -> None:
    web = node(fleet, df.AL2_WEB)
    change = change_on(web, "curl", "2021-06-10")
    report = ask(PackageHistoryRun(), web, "curl", change)
    t = the_transaction(report, "curl", change)
    assert t.user == "System <unset>" and t.command_line is None
    reading = read_transaction(t, launched_at=df.AL2_WEB_LAUNCH, package="curl", report=report)
    assert reading.kind is ReadingKind.PATCH_MANAGER and "AWS-RunPatchBaseline" in reading.text
    assert "probably" not in reading.text  # the agent's log placed the run


@pytest.mark.parametrize(
    ("day", "command"), [("2020-11-12", "yum install telnet"), ("2021-06-08", "yum remove telnet")]
)
def test_a_persons_install_and_removal(fleet: Fleet, day: str, command: str) -> None:
    web = node(fleet, df.AL2_WEB)
    change = change_on(web, "telnet", day)
    report = ask(PackageHistoryRun(), web, "telnet", change)
    reading = read_transaction(the_transaction(report, "telnet", change), package="telnet", report=report)
    assert reading.kind is ReadingKind.PERSON and reading.command == command


def test_rocky_answers_with_dnf_history(fleet: Fleet) -> None:
    db = node(fleet, df.ONPREM_DB)
    report = ask(PackageHistoryRun(), db, df.ONPREM_REMOVED_PACKAGE)
    assert report.sources[0] == "dnf history list"
    removal, reinstall = transactions_touching(report, df.ONPREM_REMOVED_PACKAGE)
    assert removal.manager == "dnf" and removal.change_of(df.ONPREM_REMOVED_PACKAGE).new_version is None  # type: ignore[union-attr]
    assert (
        read_transaction(removal, package=df.ONPREM_REMOVED_PACKAGE).command
        == f"dnf remove {df.ONPREM_REMOVED_PACKAGE}"
    )
    assert (
        read_transaction(reinstall, package=df.ONPREM_REMOVED_PACKAGE).command
        == f"dnf install {df.ONPREM_REMOVED_PACKAGE}"
    )


def test_without_a_window_the_newest_transactions_are_detailed_and_the_rest_listed(fleet: Fleet) -> None:
    web = node(fleet, df.AL2_WEB)
    report = ask(PackageHistoryRun(), web, "kernel")
    touching = transactions_touching(report, "kernel")
    detailed = [t for t in touching if not t.summary_only]
    assert len(detailed) == 6 and len(touching) > 6
    assert max(t.begin for t in touching if t.begin) == max(t.begin for t in detailed if t.begin)


def test_history_older_than_the_horizon_is_gone(fleet: Fleet) -> None:
    web = node(fleet, df.AL2_WEB)
    change = change_on(web, "libxml2", "2020-06-29")
    run = PackageHistoryRun(history_since=datetime(2021, 1, 1, tzinfo=UTC))
    report = ask(run, web, "libxml2", change)
    assert report.complete and transactions_touching(report, "libxml2") == ()
    # cloud-init's log is still there: it only shows that a security upgrade ran at first boot.
    assert report.cloud_init


def test_ubuntu_unattended_upgrades_and_a_persons_downgrade(fleet: Fleet) -> None:
    app = node(fleet, df.UBUNTU_APP)
    run = PackageHistoryRun(apt_months_kept=None)
    pinned = change_on(app, df.UBUNTU_DOWNGRADE_PACKAGE, "2022-04-21")
    report = ask(run, app, df.UBUNTU_DOWNGRADE_PACKAGE, pinned)
    t = the_transaction(report, df.UBUNTU_DOWNGRADE_PACKAGE, pinned)
    reading = read_transaction(t, package=df.UBUNTU_DOWNGRADE_PACKAGE, report=report)
    assert reading.kind is ReadingKind.PERSON and reading.who == "ubuntu (1000)"
    assert reading.command == f"apt install {df.UBUNTU_DOWNGRADE_PACKAGE}={df.UBUNTU_DOWNGRADE_TO}"
    upgraded = change_on(app, df.UBUNTU_DOWNGRADE_PACKAGE, "2022-04-20")
    report = ask(run, app, df.UBUNTU_DOWNGRADE_PACKAGE, upgraded)
    t = the_transaction(report, df.UBUNTU_DOWNGRADE_PACKAGE, upgraded)
    assert read_transaction(t, package=df.UBUNTU_DOWNGRADE_PACKAGE).kind is ReadingKind.UNATTENDED_UPGRADES
    assert t.change_of(df.UBUNTU_DOWNGRADE_PACKAGE).new_version == df.UBUNTU_DOWNGRADE_FROM  # type: ignore[union-attr]


def test_ubuntu_apt_logs_older_than_a_year_were_rotated_away(fleet: Fleet) -> None:
    app = node(fleet, df.UBUNTU_APP)
    old = change_on(app, "curl", "2022-08-10")
    report = ask(PackageHistoryRun(), app, "curl", old)
    assert (
        report.complete
        and near(transactions_touching(report, "curl"), old.window.after, old.window.before, TRANSACTION_LEEWAY) == ()
    )
    recent = ask(PackageHistoryRun(), app, "curl")
    (t,) = transactions_touching(recent, "curl")
    assert t.begin is not None and NOW - t.begin < timedelta(days=10)
    assert read_transaction(t, package="curl").kind is ReadingKind.UNATTENDED_UPGRADES


def test_a_server_in_another_time_zone_gives_the_same_moments(fleet: Fleet) -> None:
    app = node(fleet, df.UBUNTU_APP)
    in_utc = transactions_touching(ask(PackageHistoryRun(), app, "curl"), "curl")
    tokyo = ask(PackageHistoryRun(utc_offset=timedelta(hours=9)), app, "curl")
    assert tokyo.utc_offset == timedelta(hours=9)
    assert [t.begin for t in transactions_touching(tokyo, "curl")] == [t.begin for t in in_utc]


def test_windows_is_not_a_linux_node_and_bad_parameters_fail(fleet: Fleet) -> None:
    run = PackageHistoryRun()
    code, stdout, stderr = run(node(fleet, df.WIN_APP), {"packageName": ["curl"]})
    assert code != 0 and stdout == "" and "not a Linux node" in stderr
    web = node(fleet, df.AL2_WEB)
    assert run(web, {"packageName": ["curl; id"]})[0] == 2
    assert run(web, {})[0] == 2
    assert run(web, {"packageName": ["curl"], "windowStart": ["yesterday"]})[0] == 2


def test_an_agent_too_old_for_env_var_parameters(fleet: Fleet) -> None:
    code, stdout, stderr = PackageHistoryRun(enforce_agent_version=True)(
        node(fleet, df.AL2_WEB), {"packageName": ["curl"]}
    )
    assert code == 3 and stdout == "" and "3.3.2746.0" in stderr


def test_the_output_fits_ssms_limit_for_every_package_of_web_1(fleet: Fleet) -> None:
    web = node(fleet, df.AL2_WEB)
    run = PackageHistoryRun()
    for name in parse_configuration_item(web.items[-1]).names():
        code, stdout, _ = run(web, {"packageName": [name]})
        assert code == 0 and len(stdout) < 24_000, name


# --- through the AWS stand-in, as the bot will call it ---------------------------------------------------


def poll(check: Callable[[], T | None], what: str, timeout_s: float = 10.0) -> T:
    deadline = time.monotonic() + timeout_s
    pause = threading.Event()
    while True:
        answer = check()
        if answer is not None:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        pause.wait(0.01)


@pytest.fixture
def ssm(fleet: Fleet) -> Iterator[Any]:
    with AwsStandIn(fleet, Faults(invocation_visible_after_s=0.0)) as stand_in:
        stand_in.register_document(DOCUMENT_NAME, PackageHistoryRun())
        yield boto3.client(
            "ssm",
            endpoint_url=stand_in.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
        )


def test_send_command_and_read_the_invocation(ssm: Any) -> None:
    sent = ssm.send_command(
        DocumentName=DOCUMENT_NAME,
        InstanceIds=[df.AL2_WEB],
        Parameters={"packageName": ["libxml2"]},
    )
    command_id = sent["Command"]["CommandId"]

    def finished() -> dict[str, Any] | None:
        answer = ssm.get_command_invocation(CommandId=command_id, InstanceId=df.AL2_WEB)
        return dict(answer) if answer["Status"] in ("Success", "Failed") else None

    invocation = poll(finished, "the history document to finish on web-1")
    assert invocation["Status"] == "Success"
    report = parse_history_output(invocation["StandardOutputContent"])
    (t,) = transactions_touching(report, "libxml2")
    assert read_transaction(t, launched_at=df.AL2_WEB_LAUNCH, package="libxml2", report=report).kind is (
        ReadingKind.FIRST_BOOT_SECURITY_UPDATE
    )
