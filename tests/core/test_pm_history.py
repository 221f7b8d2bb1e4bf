"""Package-manager history: every parser on real outputs, the document's output as a whole, and the readings.

The files in tests/data/pm_history are verbatim public outputs (provenance: SOURCES.md beside them; the
dpkg.log and `rpm -qa --last` samples it also lists are not read by the history document). Where no public sample shows a format (yum 3.4's English `Updated`/`Update`
pair, a Patch Manager transaction), the test builds it from the layout yum's own output code prints and
says so.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.core.transactions import (
    AGENT_TRUNCATED_MARKER,
    DEP_INSTALL,
    DOWNGRADE,
    ERASE,
    INSTALL,
    PURGE,
    UPGRADE,
    Manager,
    PackageChange,
    ReadingKind,
    Transaction,
    TransactionReport,
    near,
    parse_apt_history_log,
    parse_cloud_init_lines,
    parse_dnf5_history_list,
    parse_history_output,
    parse_history_time,
    parse_yum_history_info,
    parse_yum_history_list,
    parse_zypper_history,
    read_transaction,
    split_nevra,
    transactions_touching,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "pm_history"


def sample(name: str) -> str:
    return (DATA / name).read_text()


def at(text: str) -> datetime:
    return (
        datetime.fromisoformat(text).replace(tzinfo=UTC) if "+" not in text else datetime.fromisoformat(text)
    )


# yum 3.4's English `history info` of an upgrade, as yum's output code lays it out (the second row of a
# pair repeats no name: its version sits under the first row's). Built here: no public English sample.
YUM_UPDATE_INFO = """\
Loaded plugins: extras_suggestions, langpacks, priorities, update-motd
Transaction ID : 7
Begin time     : Thu Jul  2 10:02:10 2020
Begin rpmdb    : 451:c01f9b290c2fce495c5d7dfc9c58889f629ee38f
End time       :            10:05:40 2020 (210 seconds)
End rpmdb      : 452:3522979bae7a05d0d792e038a0e800cc40069991
User           : EC2 Default User <ec2-user>
Return-Code    : Success
Command Line   : update
Transaction performed with:
    Installed     rpm-4.11.3-40.amzn2.x86_64 installed
    Updated       yum-3.4.3-158.amzn2.0.4.noarch @amzn2-core
Packages Altered:
    Updated     bind-libs-32:9.11.4-9.P2.amzn2.0.3.x86_64 @amzn2-core
    Update                32:9.11.4-9.P2.amzn2.0.4.x86_64 @amzn2-core
    Updated     curl-7.61.1-12.amzn2.0.1.x86_64           @amzn2-core
    Update           7.61.1-12.amzn2.0.2.x86_64           @amzn2-core
    Dep-Install libnghttp2-1.39.2-1.amzn2.x86_64          @amzn2-core
    Install     kernel-4.14.186-146.268.amzn2.x86_64      @amzn2-core
 ** Erase       telnet-1:0.17-65.amzn2.x86_64             @amzn2-core
    Downgrade   strace-4.24-3.amzn2.x86_64                @amzn2-core
    Downgraded         4.26-1.amzn2.0.1.x86_64            @amzn2-core
Scriptlet output:
   1 warning: /etc/sysconfig/kernel created as /etc/sysconfig/kernel.rpmnew
history info
"""


# --- small parts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nevra", "expected"),
    [
        ("curl-7.61.1-12.amzn2.0.2.x86_64", ("curl", "7.61.1-12.amzn2.0.2", "x86_64")),
        ("vim-filesystem-2:9.1.083-5.el10_0.1.noarch", ("vim-filesystem", "2:9.1.083-5.el10_0.1", "noarch")),
        (
            "java-1.7.0-openjdk-1:1.7.0.95-2.6.4.0.65.amzn1.x86_64",
            ("java-1.7.0-openjdk", "1:1.7.0.95-2.6.4.0.65.amzn1", "x86_64"),
        ),
        ("1:openssl-1.0.2k-19.amzn2.0.4.x86_64", ("openssl", "1:1.0.2k-19.amzn2.0.4", "x86_64")),
        ("libstdc++-7.3.1-9.amzn2.x86_64", ("libstdc++", "7.3.1-9.amzn2", "x86_64")),
        ("bind-libs-0:9.11.4-9.P2.amzn2.0.4.x86_64", ("bind-libs", "9.11.4-9.P2.amzn2.0.4", "x86_64")),
        ("python3.11-3.11.6-1.amzn2023.0.5", ("python3.11", "3.11.6-1.amzn2023.0.5", "")),
    ],
)
def test_split_nevra_takes_the_name_epoch_and_arch_off(nevra: str, expected: tuple[str, str, str]) -> None:
    assert split_nevra(nevra) == expected


JST = timezone(timedelta(hours=9))


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("Thu Jul  2 10:02:10 2020", None, datetime(2020, 7, 2, 10, 2, 10, tzinfo=UTC)),
        ("Thu Jul  2 10:02:10 2020", timedelta(hours=9), datetime(2020, 7, 2, 1, 2, 10, tzinfo=UTC)),
        ("Sat 18 Oct 2025 03:47:08 PM +07", None, datetime(2025, 10, 18, 8, 47, 8, tzinfo=UTC)),
        ("Sat 18 Oct 2025 03:47:08 PM JST", timedelta(hours=9), datetime(2025, 10, 18, 6, 47, 8, tzinfo=UTC)),
        # A named zone is read in that zone, whatever offset naive times get.
        ("Sat 18 Oct 2025 03:47:08 PM EDT", None, datetime(2025, 10, 18, 19, 47, 8, tzinfo=UTC)),
        ("Sat 18 Oct 2025 03:47:08 PM EDT", timedelta(0), datetime(2025, 10, 18, 19, 47, 8, tzinfo=UTC)),
        ("Tue 14 Jan 2025 09:00:00 AM EST", timedelta(hours=9), datetime(2025, 1, 14, 14, 0, tzinfo=UTC)),
        ("Sat 18 Oct 2025 03:47:08 PM JST", None, datetime(2025, 10, 18, 6, 47, 8, tzinfo=UTC)),
        ("Tue 25 May 2021 06:04:56 AM CEST", None, datetime(2021, 5, 25, 4, 4, 56, tzinfo=UTC)),
        ("Thu Jul  2 10:02:10 2020 IST", None, datetime(2020, 7, 2, 4, 32, 10, tzinfo=UTC)),
        # CST names US Central, China and Cuba: the server's own offset picks the nearest.
        ("Mon 13 Jan 2025 10:00:00 AM CST", None, datetime(2025, 1, 13, 16, 0, tzinfo=UTC)),
        ("Mon 13 Jan 2025 10:00:00 AM CST", timedelta(hours=8), datetime(2025, 1, 13, 2, 0, tzinfo=UTC)),
        # An abbreviation not known: read like a naive time, in the given offset.
        ("Mon 13 Jan 2025 10:00:00 AM XYZT", timedelta(hours=1), datetime(2025, 1, 13, 9, 0, tzinfo=UTC)),
        ("2019-08-23  13:07:31", None, datetime(2019, 8, 23, 13, 7, 31, tzinfo=UTC)),
        ("2018-01-24 03:11", None, datetime(2018, 1, 24, 3, 11, tzinfo=UTC)),
        ("yesterday", None, None),
        ("", None, None),
    ],
)
def test_history_times_in_every_printed_form(
    text: str, offset: timedelta | None, expected: datetime | None
) -> None:
    parsed = parse_history_time(text, offset)
    assert parsed == expected


# --- yum and dnf history list -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "count", "first", "last"),
    [
        (
            "yum_history_list_al2_cmdline_view.txt",
            2,
            ("2", None, "install gcc", "2018-01-24 03:11", ("Install",), 13),
            ("1", None, "install -q -y vim-enhanc", "2018-01-24 03:10", ("Update",), 4),
        ),
        (
            "yum_history_list_centos6_system_unset_all_rows.txt",
            6,
            ("6", "System <unset>", None, "2018-01-16 05:23", ("Install",), 17),
            ("1", "System <unset>", None, "2018-01-07 17:02", ("Install",), 155),
        ),
        (
            "yum_history_list_fedora17_downgrade_ids_over_100.txt",
            20,
            ("114", None, "install boost141.x86_64", "2017-04-23 03:59", ("Install",), 13),
            ("95", None, "install libpcap-devel", "2016-11-13 06:33", ("Install",), 1),
        ),
        (
            "dnf_rhel8_yum_history_list_removed_upgrade.txt",
            12,
            ("12", None, "", "2020-07-02 19:54", ("Upgrade",), 3),
            ("1", None, "", "2019-10-29 12:26", ("Install",), 451),
        ),
        (
            "dnf_rocky9_history_list_removed_wide.txt",
            23,
            ("23", None, "remove perl", "2024-02-05 22:30", ("Removed",), 206),
            (
                "1",
                None,
                "--installroot=/rootfs -y --releasever=9 --skip-broken install basesyste",
                "2023-01-19 02:41",
                ("Install",),
                147,
            ),
        ),
    ],
)
def test_history_list_rows(
    name: str,
    count: int,
    first: tuple[str, str | None, str | None, str, tuple[str, ...], int],
    last: tuple[str, str | None, str | None, str, tuple[str, ...], int],
) -> None:
    rows = parse_yum_history_list(sample(name))
    assert len(rows) == count
    for row, (tid, user, command, date, actions, altered) in ((rows[0], first), (rows[-1], last)):
        assert (row.id, row.user, row.command_line, row.actions, row.altered) == (
            tid,
            user,
            command,
            actions,
            altered,
        )
        assert row.begin == datetime.strptime(date, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        assert row.summary_only and not row.changes


def test_history_list_keeps_mixed_actions_and_ignores_the_flag_column() -> None:
    rows = {row.id: row for row in parse_yum_history_list(sample("dnf_rocky9_history_list_removed_wide.txt"))}
    assert rows["21"].actions == ("I", "U")
    assert rows["10"].actions == ("Removed",) and rows["10"].altered == 20
    rows = {
        row.id: row
        for row in parse_yum_history_list(sample("yum_history_list_fedora17_downgrade_ids_over_100.txt"))
    }
    assert rows["110"].actions == ("Downgrade",)


def test_history_summary_is_not_a_list_of_transactions() -> None:
    assert parse_yum_history_list(sample("yum_history_summary_al2.txt")) == ()


def test_dnf5_list_with_an_empty_actions_column() -> None:
    rows = parse_dnf5_history_list(sample("dnf5_fedora_history_list_empty_actions_column.txt"))
    assert [(r.id, r.command_line, r.altered, r.actions) for r in rows] == [
        ("141", "dnf downgrade vim-minimal", 8, ()),
        ("140", "dnf remove nvidia-gpu-firmware", 1, ()),
        ("139", "dnf update yelp", 4, ()),
        ("138", "dnf install doxygen", 6, ()),
        ("137", "dnf install gnutls-debuginfo ....", 2, ()),
    ]
    assert rows[0].begin == datetime(2025, 5, 27, 12, 57, 48, tzinfo=UTC)


# --- yum and dnf history info -----------------------------------------------------------------------------


def test_yum_info_with_dependencies() -> None:
    (t,) = parse_yum_history_info(sample("yum_history_info_al2_dep_install.txt"))
    assert (t.manager, t.id, t.user, t.command_line, t.outcome) == (
        "yum",
        "2",
        "EC2 Default User <ec2-user>",
        "install gcc",
        "Success",
    )
    assert t.begin == datetime(2018, 1, 24, 3, 11, 28, tzinfo=UTC)
    assert t.end == datetime(2018, 1, 24, 3, 11, 33, tzinfo=UTC)  # yum printed only `03:11:33 2018`
    assert len(t.changes) == 13
    assert t.change_of("gcc") == PackageChange("gcc", "x86_64", None, "7.2.1-2.amzn2.0.2", INSTALL)
    assert t.change_of("kernel-headers") == PackageChange(
        "kernel-headers", "x86_64", None, "4.9.76-38.79.amzn2", DEP_INSTALL
    )
    # `Transaction performed with:` lists yum and rpm themselves: not changes of this transaction.
    assert t.change_of("rpm") is None and t.change_of("yum") is None


def test_yum_info_single_install() -> None:
    (t,) = parse_yum_history_info(sample("yum_history_info_al2_single_install.txt"))
    assert t.id == "3" and t.begin == datetime(2022, 6, 4, 6, 9, 5, tzinfo=UTC)
    assert t.end == datetime(2022, 6, 4, 6, 9, 6, tzinfo=UTC)
    assert t.changes == (
        PackageChange("yum-plugin-versionlock", "noarch", None, "1.1.31-46.amzn2.0.1", INSTALL),
    )


def test_dnf4_info_with_a_numeric_zone_upgrade_pairs_and_an_epoch() -> None:
    (t,) = parse_yum_history_info(sample("dnf_rocky10_history_info_last_upgrade_upgraded_comment.txt"), "dnf")
    plus7 = timezone(timedelta(hours=7))
    assert t.begin == datetime(2025, 10, 18, 15, 47, 8, tzinfo=plus7)
    assert t.end == datetime(2025, 10, 18, 15, 48, 7, tzinfo=plus7)
    assert (t.user, t.command_line, t.outcome, t.comment) == (
        "Warden <warden>",
        "upgrade --allowerasing --skip-broken --nobest",
        "Success",
        None,
    )
    assert len(t.changes) == 10
    assert t.change_of("vim-filesystem") == PackageChange(
        "vim-filesystem", "noarch", "2:9.1.083-5.el10", "2:9.1.083-5.el10_0.1", UPGRADE
    )
    assert t.change_of("kernel-core") == PackageChange(
        "kernel-core", "x86_64", None, "6.12.0-55.39.1.el10_0", INSTALL
    )


def test_yum_34_update_rows_without_the_name_pair_with_the_row_above() -> None:
    (t,) = parse_yum_history_info(YUM_UPDATE_INFO)
    assert t.begin == datetime(2020, 7, 2, 10, 2, 10, tzinfo=UTC)
    assert t.end == datetime(2020, 7, 2, 10, 5, 40, tzinfo=UTC)
    assert list(t.changes) == [
        PackageChange("bind-libs", "x86_64", "32:9.11.4-9.P2.amzn2.0.3", "32:9.11.4-9.P2.amzn2.0.4", UPGRADE),
        PackageChange("curl", "x86_64", "7.61.1-12.amzn2.0.1", "7.61.1-12.amzn2.0.2", UPGRADE),
        PackageChange("libnghttp2", "x86_64", None, "1.39.2-1.amzn2", DEP_INSTALL),
        PackageChange("kernel", "x86_64", None, "4.14.186-146.268.amzn2", INSTALL),
        PackageChange("telnet", "x86_64", "1:0.17-65.amzn2", None, ERASE),
        PackageChange("strace", "x86_64", "4.26-1.amzn2.0.1", "4.24-3.amzn2", DOWNGRADE),
    ]


def test_several_info_blocks_and_a_block_cut_in_the_middle() -> None:
    text = YUM_UPDATE_INFO + "-" * 79 + "\n" + sample("yum_history_info_al2_dep_install.txt")
    cut = text[: text.index("Dep-Install libsanitizer") + 10]
    full = parse_yum_history_info(text)
    partial = parse_yum_history_info(cut)
    assert [t.id for t in full] == ["7", "2"]
    assert [t.id for t in partial] == ["7", "2"]
    assert len(partial[1].changes) == 11  # the cut row `Dep-Insta` is not a package


# --- apt --------------------------------------------------------------------------------------------------


def test_apt_unattended_and_manual_entries() -> None:
    entries = parse_apt_history_log(sample("apt_history_log_debian_unattended_and_manual.txt"))
    assert len(entries) == 38
    first = entries[0]
    assert (first.command_line, first.user, first.begin) == (
        "/usr/bin/first-unattended-upgrade",
        None,
        datetime(2019, 8, 23, 13, 7, 31, tzinfo=UTC),
    )
    assert first.changes == (
        PackageChange("tumbler", "amd64", "0.2.4-1", "0.2.7-1", UPGRADE),
        PackageChange("tumbler-common", "amd64", "0.2.4-1", "0.2.7-1", UPGRADE),
    )
    geany = next(e for e in entries if e.command_line == "apt-get install geany")
    assert geany.user == "rolf (1000)"
    assert geany.changes == (
        PackageChange("geany", "amd64", None, "1.35-1", INSTALL),
        PackageChange("geany-common", "amd64", None, "1.35-1", DEP_INSTALL),
    )
    purge = next(e for e in entries if e.command_line == "apt-get purge fotoxx")
    assert purge.changes == (PackageChange("fotoxx", "amd64", "18.07.2-1", None, PURGE),)
    autoremove = next(e for e in entries if e.command_line == "apt-get autoremove")
    assert {c.action for c in autoremove.changes} == {ERASE} and len(autoremove.changes) == 3
    assert entries[-1].end == datetime(2019, 8, 26, 3, 29, 32, tzinfo=UTC)


def test_apt_without_requested_by_and_with_long_lists() -> None:
    entries = parse_apt_history_log(sample("apt_history_log_ubuntu1404_no_requested_by.txt"))
    assert len(entries) == 4 and all(e.user is None for e in entries)
    pip = entries[0]
    assert len(pip.changes) == 19
    assert pip.change_of("python3.4") == PackageChange(
        "python3.4", "amd64", "3.4.0-2ubuntu1.1", "3.4.3-1ubuntu1~14.04.3", UPGRADE
    )
    assert pip.change_of("python3-pip") == PackageChange(
        "python3-pip", "amd64", None, "1.5.4-1ubuntu3", INSTALL
    )
    assert len(entries[-1].changes) == 41


def test_apt_tail_cut_at_the_start_and_an_entry_with_only_dates() -> None:
    cut, empty, tasksel = parse_apt_history_log(
        sample("apt_history_log_debian9_tail_docker_empty_transaction.txt"), timedelta(hours=2)
    )
    assert cut.begin is None and cut.end == datetime(2017, 9, 10, 16, 28, tzinfo=UTC)
    assert cut.changes == (PackageChange("dselect", "amd64", None, "1.18.24", INSTALL),)
    assert cut.comment is not None and "cut" in cut.comment
    assert empty.changes == () and empty.command_line is None and empty.begin == empty.end
    assert tasksel.command_line == "apt install tasksel" and tasksel.user is None
    assert tasksel.change_of("tasksel") == PackageChange("tasksel", "amd64", None, "3.39", INSTALL)
    assert tasksel.change_of("dmidecode") == PackageChange("dmidecode", "amd64", None, "3.0-4", DEP_INSTALL)


# --- zypper -----------------------------------------------------------------------------------------------


def test_zypper_commands_group_their_records() -> None:
    transactions = parse_zypper_history(sample("zypper_history_opensuse_container_install_remove.txt"))
    assert [(t.command_line, t.user, len(t.changes)) for t in transactions] == [
        ("zypper install unzip", "root@ec9fa6d67dda", 2),
        ("zypper remove unzip", "root@ec9fa6d67dda", 1),
        ("zypper install unzip", "root@ec9fa6d67dda", 1),
        ("zypper install yast2", "root@ec9fa6d67dda", 53),
    ]
    first, removal, _, yast = transactions
    assert first.change_of("unzip") == PackageChange("unzip", "x86_64", None, "6.00-41.1", INSTALL)
    assert first.change_of("update-alternatives") == PackageChange(
        "update-alternatives", "x86_64", None, "1.21.8-1.4", DEP_INSTALL
    )
    assert removal.changes == (PackageChange("unzip", "x86_64", "6.00-41.1", None, ERASE),)
    assert yast.change_of("yast2") is not None and yast.change_of("yast2").action == INSTALL  # type: ignore[union-attr]
    assert yast.begin == datetime(2022, 12, 16, 13, 2, 40, tzinfo=UTC)
    assert yast.end == datetime(2022, 12, 16, 13, 2, 44, tzinfo=UTC)


def test_zypper_records_without_a_command_and_a_cut_comment_block() -> None:
    (t,) = parse_zypper_history(sample("zypper_history_opensuse_slowroll_rpm_output_comments_excerpt.txt"))
    assert t.command_line is None and t.user is None
    assert [c.name for c in t.changes] == ["virtualbox", "virtualbox-qt"]
    assert t.changes[0].new_version == "7.2.6-1.0.4.2.sr20260202"


# --- cloud-init -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "day", "excludes"),
    [
        (
            "cloud_init_log_al2_upgrade_level_security.txt",
            (12, 22, 6 * 3600 + 51 * 60 + 18),
            "--exclude=cuda*",
        ),
        (
            "cloud_init_log_al1_upgrade_level_security_cudatoolkit.txt",
            (6, 7, 14 * 3600 + 54 * 60 + 7),
            "--exclude=cudatoolkit",
        ),
    ],
)
def test_cloud_init_upgrade_lines(name: str, day: tuple[int, int, int], excludes: str) -> None:
    level, command = parse_cloud_init_lines(sample(name))
    assert level.level == "security" and level.month_day_time == day
    assert command.command is not None and command.command[0] == "yum"
    assert (
        "--security" in command.command and excludes in command.command and command.command[-1] == "upgrade"
    )


def test_cloud_init_output_log_is_not_the_log_of_its_modules() -> None:
    assert parse_cloud_init_lines(sample("cloud_init_output_log_al2_first_boot_security_upgrade.txt")) == ()


# --- the document's whole output --------------------------------------------------------------------------


def document_output(*sections: tuple[str, str], end: bool = True, clock: str = "+0000 UTC") -> str:
    parts = [
        "=== pkgwhen: package-history 1 ===\npackage: curl\nwindow:  .. \n",
        f"=== pkgwhen: clock ===\n{clock}\n",
    ]
    parts += [f"=== pkgwhen: {title} ===\n{body}" for title, body in sections]
    if end:
        parts.append("=== pkgwhen: end ===\n")
    return "".join(parts)


YUM_LIST = """\
ID     | Login user               | Date and time    | Action(s)      | Altered
-------------------------------------------------------------------------------
     7 | EC2 ... <ec2-user>       | 2020-07-02 10:02 | I, U           |   31
     1 | System <unset>           | 2020-06-29 05:49 | Update         |    2
"""


def test_list_and_info_sections_merge_and_the_report_is_complete() -> None:
    report = parse_history_output(
        document_output(("yum history list", YUM_LIST), ("yum history info 7", YUM_UPDATE_INFO))
    )
    assert report.complete and not report.truncated and report.package == "curl"
    assert report.utc_offset == timedelta(0)
    assert [(t.id, t.summary_only) for t in report.transactions] == [("1", True), ("7", False)]
    assert report.sources == ("yum history list", "yum history info 7")
    assert any("transaction 1" in note for note in report.notes)
    assert [t.id for t in transactions_touching(report, "CURL")] == ["1", "7"]
    assert [t.id for t in transactions_touching(report, "bind-libs")] == ["7"]


def test_log_times_are_read_in_the_servers_offset() -> None:
    report = parse_history_output(
        document_output(
            (
                "apt history /var/log/apt/history.log",
                sample("apt_history_log_ubuntu1404_no_requested_by.txt"),
            ),
            clock="+0900 JST",
        )
    )
    assert report.utc_offset == timedelta(hours=9)
    assert report.transactions[0].begin == datetime(2016, 3, 6, 17, 23, 41, tzinfo=UTC)
    assert report.sources == ("apt history /var/log/apt/history.log",)


def test_output_cut_by_the_agent_in_the_middle_of_a_line() -> None:
    full = document_output(("yum history list", YUM_LIST), ("yum history info 7", YUM_UPDATE_INFO))
    cut_at = full.index("Update           7.61.1") + 12
    report = parse_history_output(full[:cut_at] + AGENT_TRUNCATED_MARKER)
    assert report.truncated and not report.complete
    assert any("24,000" in note for note in report.notes)
    detailed = next(t for t in report.transactions if t.id == "7")
    # The curl pair lost its second row: the old version is known, the new one is not.
    assert detailed.change_of("curl") == PackageChange("curl", "x86_64", "7.61.1-12.amzn2.0.1", None, UPGRADE)


@pytest.mark.parametrize("cut", [1, 17, 60, 200, 400, 700, 1100, 1500])
def test_output_cut_anywhere_never_raises(cut: int) -> None:
    full = document_output(
        ("yum history list", YUM_LIST),
        ("yum history info 7", YUM_UPDATE_INFO),
        (
            "apt history /var/log/apt/history.log",
            sample("apt_history_log_debian9_tail_docker_empty_transaction.txt"),
        ),
        (
            "zypper history /var/log/zypp/history",
            sample("zypper_history_opensuse_container_install_remove.txt")[:600],
        ),
        ("cloud-init /var/log/cloud-init.log", sample("cloud_init_log_al2_upgrade_level_security.txt")),
    )
    report = parse_history_output(full[:cut])
    assert report.truncated and not report.complete


def test_output_without_an_end_marker_is_cut_and_output_without_markers_says_so() -> None:
    report = parse_history_output(document_output(("yum history list", YUM_LIST), end=False))
    assert report.truncated and any("end marker" in note for note in report.notes)
    stranger = parse_history_output("Loaded plugins: langpacks\nhistory list\n")
    assert stranger.transactions == () and any("section markers" in note for note in stranger.notes)


def test_nothing_found_note_and_empty_history() -> None:
    report = parse_history_output(
        document_output(
            ("note", "no package-manager history found on this server (looked for dnf5, dnf, yum)\n")
        )
    )
    assert report.transactions == () and report.complete
    assert any("no package-manager history" in note for note in report.notes)


def test_dnf5_and_zypper_and_cloud_init_sections() -> None:
    report = parse_history_output(
        document_output(
            ("dnf5 history list", sample("dnf5_fedora_history_list_empty_actions_column.txt")),
            (
                "zypper history /var/log/zypp/history",
                sample("zypper_history_opensuse_container_install_remove.txt"),
            ),
            ("cloud-init /var/log/cloud-init.log", sample("cloud_init_log_al2_upgrade_level_security.txt")),
            (
                "ssm-agent log",
                "2022-11-10 22:04:48 INFO [ssm-document-worker] [1] Running document AWS-RunPatchBaseline\n",
            ),
        )
    )
    managers = {t.manager for t in report.transactions}
    assert managers == {"dnf", "zypper"}
    assert len(report.cloud_init) == 2
    assert report.patch_runs == (datetime(2022, 11, 10, 22, 4, 48, tzinfo=UTC),)


# --- choosing transactions --------------------------------------------------------------------------------


def tx(
    begin: datetime | None, end: datetime | None = None, *, summary_only: bool = False, tid: str = "1"
) -> Transaction:
    return Transaction("yum", tid, begin, end, None, None, (), None, "test", summary_only=summary_only)


def test_near_keeps_what_overlaps_the_window_with_slack() -> None:
    window_after, window_before = at("2020-07-02T01:00:00"), at("2020-07-02T01:30:00")
    inside = tx(at("2020-07-02T01:02:10"), at("2020-07-02T01:05:40"), tid="in")
    just_before = tx(at("2020-07-02T00:50:00"), at("2020-07-02T00:55:00"), tid="slack")
    long_before = tx(at("2020-07-01T01:00:00"), at("2020-07-01T01:01:00"), tid="old")
    after = tx(at("2020-07-02T02:00:00"), tid="late")
    listed = tx(at("2020-07-02T00:59:00"), summary_only=True, tid="row")  # a minute-precision list row
    unknown = tx(None, tid="unknown")
    chosen = near(
        [after, long_before, inside, just_before, listed, unknown],
        window_after,
        window_before,
        timedelta(minutes=10),
    )
    assert [t.id for t in chosen] == ["slack", "row", "in"]
    assert [t.id for t in near([long_before, inside], None, window_before, timedelta(0))] == ["old", "in"]


# --- readings ---------------------------------------------------------------------------------------------

LAUNCH = datetime(2020, 6, 29, 5, 48, 20, tzinfo=UTC)
SECURITY = "-t -y --exclude=kernel --exclude=nvidia* --exclude=cuda* --security --sec-severity=critical --sec-severity=important upgrade"
LIBXML2 = (PackageChange("libxml2", "x86_64", "2.9.1-6.amzn2.4.1", "2.9.1-6.amzn2.5.1", UPGRADE),)


def transaction(
    manager: Manager = "yum",
    user: str | None = "System <unset>",
    command: str | None = SECURITY,
    begin: datetime = datetime(2020, 6, 29, 5, 49, 7, tzinfo=UTC),
    changes: tuple[PackageChange, ...] = LIBXML2,
) -> Transaction:
    return Transaction(
        manager, "1", begin, begin + timedelta(seconds=5), user, command, changes, "Success", "test"
    )


def report_with(*, cloud_init: str = "", patch_runs: tuple[datetime, ...] = ()) -> TransactionReport:
    return TransactionReport(
        (),
        False,
        (),
        (),
        cloud_init=parse_cloud_init_lines(cloud_init),
        patch_runs=patch_runs,
        utc_offset=timedelta(0),
    )


CLOUD_INIT_LINE = "Jun 29 05:49:07 cloud-init[2305]: amazon.py[DEBUG]: Upgrade level: security\n"


@pytest.mark.parametrize(
    ("t", "kwargs", "kind", "words"),
    [
        pytest.param(
            transaction(),
            {"launched_at": LAUNCH},
            ReadingKind.FIRST_BOOT_SECURITY_UPDATE,
            ["first boot", "after launch", "--security"],
            id="first-boot",
        ),
        pytest.param(
            transaction(),
            {"report": report_with(cloud_init=CLOUD_INIT_LINE)},
            ReadingKind.FIRST_BOOT_SECURITY_UPDATE,
            ["cloud-init.log shows"],
            id="first-boot-no-launch-time",
        ),
        pytest.param(
            transaction(begin=LAUNCH + timedelta(days=40)),
            {"launched_at": LAUNCH},
            ReadingKind.AUTOMATION,
            ["not at first boot"],
            id="security-later",
        ),
        pytest.param(
            transaction(command=None, begin=datetime(2022, 11, 10, 22, 6, tzinfo=UTC)),
            {"report": report_with(patch_runs=(datetime(2022, 11, 10, 22, 4, 48, tzinfo=UTC),))},
            ReadingKind.PATCH_MANAGER,
            ["AWS-RunPatchBaseline", "22:04:48"],
            id="patch-manager-logged",
        ),
        pytest.param(
            transaction(command=None),
            {},
            ReadingKind.PATCH_MANAGER,
            ["probably", "no command line"],
            id="patch-manager-inferred",
        ),
        pytest.param(
            transaction("apt", None, "/usr/bin/unattended-upgrade"),
            {},
            ReadingKind.UNATTENDED_UPGRADES,
            ["unattended-upgrades"],
            id="unattended",
        ),
        pytest.param(
            transaction("apt", None, "/usr/bin/first-unattended-upgrade"),
            {},
            ReadingKind.UNATTENDED_UPGRADES,
            ["first run"],
            id="first-unattended",
        ),
        pytest.param(
            transaction(user="EC2 Default User <ec2-user>", command="update"),
            {"package": "libxml2"},
            ReadingKind.PERSON,
            ["EC2 Default User <ec2-user> ran `yum update`"],
            id="person-yum",
        ),
        pytest.param(
            transaction("apt", "rolf (1000)", "apt-get install libxml2"),
            {"package": "libxml2"},
            ReadingKind.PERSON,
            ["rolf (1000) ran `apt-get install libxml2`"],
            id="person-apt",
        ),
        pytest.param(
            transaction(
                user="EC2 Default User <ec2-user>",
                command="install gcc",
                changes=(PackageChange("cpp", "x86_64", None, "7.2.1-2.amzn2.0.2", DEP_INSTALL),),
            ),
            {"package": "cpp"},
            ReadingKind.DEPENDENCY,
            ["cpp came in as a dependency of `yum install gcc`", "<ec2-user>"],
            id="dep-install",
        ),
        pytest.param(
            transaction(user="EC2 Default User <ec2-user>", command="install -y php"),
            {"package": "libxml2"},
            ReadingKind.DEPENDENCY,
            ["dependency of `yum install -y php`"],
            id="upgraded-for-another-package",
        ),
        pytest.param(
            transaction(
                "apt",
                "rolf (1000)",
                "apt-get install geany",
                changes=(PackageChange("geany-common", "amd64", None, "1.35-1", DEP_INSTALL),),
            ),
            {"package": "geany-common"},
            ReadingKind.DEPENDENCY,
            ["apt-get install geany"],
            id="apt-automatic",
        ),
        pytest.param(
            transaction(command="update -y"),
            {"package": "libxml2"},
            ReadingKind.AUTOMATION,
            ["without a login session"],
            id="user-data",
        ),
        pytest.param(
            transaction("zypper", "root@ec9fa6d67dda", "zypper install unzip"),
            {},
            ReadingKind.PERSON,
            ["root@ec9fa6d67dda ran `zypper install unzip`"],
            id="zypper",
        ),
    ],
)
def test_readings(t: Transaction, kwargs: dict[str, object], kind: ReadingKind, words: list[str]) -> None:
    reading = read_transaction(t, **kwargs)  # type: ignore[arg-type]
    assert reading.kind is kind, reading.text
    for word in words:
        assert word in reading.text
    assert "\n" not in reading.text


def test_first_boot_reading_of_the_seed_transaction_in_its_own_words() -> None:
    """The seed's transaction 1 (Japanese locale) in English: cloud-init's command line from its log."""
    (t,) = parse_yum_history_info(
        YUM_UPDATE_INFO.replace("Transaction ID : 7", "Transaction ID : 1")
        .replace("EC2 Default User <ec2-user>", "System <unset>")
        .replace(
            "Command Line   : update",
            "Command Line   : -t -y --exclude=kernel --exclude=nvidia* --exclude=cudatoolkit --security --sec-severity=critical --sec-severity=important upgrade",
        )
    )
    assert t.begin is not None
    reading = read_transaction(t, launched_at=t.begin - timedelta(minutes=2), package="curl")
    assert reading.kind is ReadingKind.FIRST_BOOT_SECURITY_UPDATE
    assert reading.who == "System <unset>"


def test_dnf_times_that_name_their_zone_are_read_in_that_zone() -> None:
    # A saved `dnf history info` from a server whose dnf did not run with TZ=UTC (New York, in summer).
    info = sample("dnf_rocky10_history_info_last_upgrade_upgraded_comment.txt").replace(" PM +07", " PM EDT")
    report = parse_history_output(document_output(("dnf history info 9", info)))
    (transaction,) = report.transactions
    assert transaction.begin == datetime(2025, 10, 18, 19, 47, 8, tzinfo=UTC)
    assert transaction.end == datetime(2025, 10, 18, 19, 48, 7, tzinfo=UTC)
