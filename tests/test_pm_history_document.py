"""The SSM document pkgwhen ships for "who changed it": typed, injection-safe, and its output parses.

The script really runs here (under sh, and bash when present) against stand-ins for yum and for the logs
under /var/log, so what it prints is checked by pkgwhen's own parser, and hostile values are checked to
go nowhere.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core.transactions import (
    PACKAGE_NAME_PATTERN,
    WINDOW_PATTERN,
    ReadingKind,
    parse_history_output,
    read_transaction,
    transactions_touching,
)

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "deploy" / "pkgwhen-package-history.json"
DATA = ROOT / "tests" / "data" / "pm_history"
TOOLS = ("awk", "cat", "cut", "date", "env", "grep", "gzip", "head", "sort", "tail", "timeout", "tr", "uniq")
SHELLS = [s for s in ("sh", "bash") if shutil.which(s)]


def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DOCUMENT.read_text())
    return loaded


def script() -> str:
    (step,) = document()["mainSteps"]
    return "\n".join(step["inputs"]["runCommand"]) + "\n"


# --- the document's shape -----------------------------------------------------------------------------


def test_the_document_is_a_linux_shell_command_document_with_env_var_parameters() -> None:
    doc = document()
    assert doc["schemaVersion"] == "2.2"
    (step,) = doc["mainSteps"]
    assert step["action"] == "aws:runShellScript"
    assert step["precondition"] == {"StringEquals": ["platformType", "Linux"]}
    assert set(doc["parameters"]) == {"packageName", "windowStart", "windowEnd"}
    for name, parameter in doc["parameters"].items():
        assert parameter["type"] == "String", name
        assert parameter["interpolationType"] == "ENV_VAR", name
    assert "default" not in doc["parameters"]["packageName"]  # required: no package, no run
    assert doc["parameters"]["packageName"]["allowedPattern"] == PACKAGE_NAME_PATTERN
    assert doc["parameters"]["windowStart"]["allowedPattern"] == WINDOW_PATTERN


@pytest.mark.parametrize(
    "name",
    [
        "curl",
        "libstdc++",
        "python3.11",
        "kernel-core",
        "java-1.7.0-openjdk",
        "389-ds-base",
        "g++",
        "libc6:amd64",
    ],
)
def test_the_pattern_admits_real_package_names(name: str) -> None:
    assert re.fullmatch(document()["parameters"]["packageName"]["allowedPattern"], name)


@pytest.mark.parametrize(
    "value",
    [
        "curl; rm -rf /",
        "$(id)",
        "`id`",
        "a b",
        "",
        "-rf",
        "--help",
        "curl*",
        "curl\nid",
        "a|b",
        "a&b",
        "x" * 129,
        "curl'",
        '"curl"',
    ],
)
def test_the_pattern_rejects_shell_metacharacters_spaces_options_and_globs(value: str) -> None:
    assert re.fullmatch(document()["parameters"]["packageName"]["allowedPattern"], value) is None


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("", True),
        ("2020-07-02T01:02", True),
        ("2020-07-02 01:02", False),
        ("$(id)", False),
        ("2020-07-02T01:02Z", False),
    ],
)
def test_window_bounds_are_empty_or_a_utc_minute(value: str, ok: bool) -> None:
    assert (re.fullmatch(document()["parameters"]["windowStart"]["allowedPattern"], value) is not None) is ok


def test_the_script_never_interpolates_parameters_and_quotes_every_use() -> None:
    text = script()
    assert "{{" not in text and "}}" not in text
    assert "export LANG=C LC_ALL=C" in text
    # Every expansion of the package name is double-quoted (or read by awk from ENVIRON, never as program text).
    for match in re.finditer(r"\$\{?pkg\b", text):
        assert text[match.start() - 1] == '"', text[match.start() - 20 : match.end() + 5]
    for match in re.finditer(r"\$\{?SSM_\w+", text):
        assert text[match.start() - 1] == '"' or text[match.start() : match.start() + 2] == "${", match.group(
            0
        )
    assert '-- "$pkg"' in text  # the package manager reads no option from it


@pytest.mark.parametrize("shell", SHELLS)
def test_the_shell_accepts_the_script(shell: str, tmp_path: Path) -> None:
    path = tmp_path / "_script.sh"
    path.write_text(script())
    result = subprocess.run([shell, "-n", str(path)], capture_output=True, text=True, check=False, timeout=20)
    assert result.returncode == 0, result.stderr


# --- running it -----------------------------------------------------------------------------------------


YUM_LIST = """\
ID     | Login user               | Date and time    | Action(s)      | Altered
-------------------------------------------------------------------------------
     3 | EC2 ... <ec2-user>       | 2020-07-02 01:02 | Update         |    2
     1 | System <unset>           | 2020-06-29 05:49 | Update         |    2
"""
YUM_INFO = {
    "3": """\
Transaction ID : 3
Begin time     : Thu Jul  2 01:02:10 2020
End time       :            01:05:40 2020 (210 seconds)
User           : EC2 Default User <ec2-user>
Return-Code    : Success
Command Line   : update
Packages Altered:
"""
    + "".join(
        f"    Updated libfoo{i}-1.0-1.amzn2.x86_64 @amzn2-core\n    Update         1.0-2.amzn2.x86_64 @amzn2-core\n"
        for i in range(30)
    )
    + """\
    Updated curl-7.61.1-12.amzn2.0.1.x86_64 @amzn2-core
    Update       7.61.1-12.amzn2.0.2.x86_64 @amzn2-core
""",
    "1": """\
Transaction ID : 1
Begin time     : Mon Jun 29 05:49:07 2020
End time       :            05:49:12 2020 (5 seconds)
User           : System <unset>
Return-Code    : Success
Command Line   : -t -y --exclude=kernel --exclude=nvidia* --exclude=cuda* --security --sec-severity=critical --sec-severity=important upgrade
Packages Altered:
    Updated curl-7.61.1-11.amzn2.x86_64 @amzn2-core
    Update       7.61.1-12.amzn2.0.1.x86_64 @amzn2-core
""",
}


@dataclass
class Server:
    """A directory that plays one server: stand-in commands on PATH and a /var/log tree."""

    bin: Path
    root: Path
    marker: Path

    def run(self, shell: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        base = {"PATH": str(self.bin), "PKGWHEN_ROOT": str(self.root), "HOME": str(self.root)}
        return subprocess.run(
            [shutil.which(shell) or shell],
            input=script(),
            capture_output=True,
            text=True,
            env={**base, **env},
            check=False,
            timeout=30,
        )


def make_server(tmp_path: Path, *, yum: bool = True, apt: bool = False) -> Server:
    bin_dir = tmp_path / "bin"
    stubs = tmp_path / "stubs"
    root = tmp_path / "root"
    for d in (bin_dir, stubs, root / "var" / "log" / "apt"):
        d.mkdir(parents=True)
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found is not None, tool
        (bin_dir / tool).symlink_to(found)
    if yum:
        (stubs / "-q_history_list_--_curl").write_text(YUM_LIST)
        for tid, text in YUM_INFO.items():
            (stubs / f"-q_history_info_{tid}").write_text(text)
        yum_stub = bin_dir / "yum"
        # Answers only the calls it has a recording for; anything else is a failure the test sees.
        yum_stub.write_text(
            f"#!{shutil.which('sh')}\n"
            f'f="{stubs}/$(printf "%s" "$*" | tr " /" "__")"\n'
            'if [ -f "$f" ]; then cat "$f"; else echo "no recording for: $*" >&2; exit 1; fi\n'
        )
        yum_stub.chmod(0o755)
    if apt:
        (root / "var/log/apt/history.log").write_text(
            (DATA / "apt_history_log_debian_unattended_and_manual.txt").read_text()
        )
        with gzip.open(root / "var/log/apt/history.log.1.gz", "wt") as rotated:
            rotated.write((DATA / "apt_history_log_ubuntu1404_no_requested_by.txt").read_text())
    (root / "var/log/cloud-init.log").write_text(
        (DATA / "cloud_init_log_al2_upgrade_level_security.txt").read_text()
    )
    return Server(bin_dir, root, tmp_path / "pwned")


@pytest.mark.parametrize("shell", SHELLS)
def test_yum_history_runs_and_parses(shell: str, tmp_path: Path) -> None:
    server = make_server(tmp_path)
    result = server.run(shell, {"SSM_packageName": "curl"})
    assert result.returncode == 0, result.stderr
    assert "no recording" not in result.stdout
    report = parse_history_output(result.stdout)
    assert report.complete and not report.truncated and report.package == "curl"
    assert report.utc_offset is not None
    touching = transactions_touching(report, "curl")
    assert [t.id for t in touching] == ["1", "3"]
    first, seed = touching
    assert read_transaction(
        first, launched_at=datetime(2020, 6, 29, 5, 48, 20, tzinfo=UTC), report=report
    ).kind is (ReadingKind.FIRST_BOOT_SECURITY_UPDATE)
    assert read_transaction(seed, package="curl").kind is ReadingKind.PERSON
    # 30 other upgraded packages: 25 are kept (each pair whole), the rows of the other 5 counted; curl's
    # own pair, printed last, is always there.
    curl = seed.change_of("curl")
    assert curl is not None and (curl.old_version, curl.new_version) == (
        "7.61.1-12.amzn2.0.1",
        "7.61.1-12.amzn2.0.2",
    )
    assert len(seed.changes) == 26 and all(c.old_version and c.new_version for c in seed.changes)
    assert seed.omitted_changes == 10
    assert len(report.cloud_init) == 2


@pytest.mark.parametrize("shell", SHELLS)
def test_a_window_picks_the_transactions_to_detail(shell: str, tmp_path: Path) -> None:
    server = make_server(tmp_path)
    result = server.run(
        shell,
        {
            "SSM_packageName": "curl",
            "SSM_windowStart": "2020-06-29T05:00",
            "SSM_windowEnd": "2020-06-29T06:00",
        },
    )
    report = parse_history_output(result.stdout)
    detailed = [t.id for t in report.transactions if not t.summary_only]
    assert detailed == ["1"]


@pytest.mark.parametrize("shell", SHELLS)
def test_apt_logs_and_their_rotated_files(shell: str, tmp_path: Path) -> None:
    server = make_server(tmp_path, yum=False, apt=True)
    result = server.run(shell, {"SSM_packageName": "libqt5sql5"})
    assert result.returncode == 0, result.stderr
    report = parse_history_output(result.stdout)
    (t,) = transactions_touching(report, "libqt5sql5")
    assert read_transaction(t, package="libqt5sql5").kind is ReadingKind.UNATTENDED_UPGRADES
    rotated = parse_history_output(server.run(shell, {"SSM_packageName": "python3.4"}).stdout)
    (pip,) = transactions_touching(rotated, "python3.4")
    assert pip.command_line == "apt-get install python3-pip"
    assert any(source.endswith("history.log.1.gz") for source in rotated.sources)
    # A window in local time (the test's server runs in UTC) leaves the others out.
    none = parse_history_output(
        server.run(shell, {"SSM_packageName": "python3.4", "SSM_windowStart": "2017-01-01T00:00"}).stdout
    )
    assert transactions_touching(none, "python3.4") == ()


@pytest.mark.parametrize("shell", SHELLS)
def test_a_server_without_any_history_says_so(shell: str, tmp_path: Path) -> None:
    server = make_server(tmp_path, yum=False)
    report = parse_history_output(server.run(shell, {"SSM_packageName": "curl"}).stdout)
    assert report.complete and report.transactions == ()
    assert any("no package-manager history" in note for note in report.notes)


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize(
    "value", ["x;touch PWNED", "$(touch PWNED)", "`touch PWNED`", "-rf", "a b", "curl\ntouch PWNED"]
)
def test_hostile_values_that_got_past_the_pattern_run_nothing(shell: str, value: str, tmp_path: Path) -> None:
    server = make_server(tmp_path)
    env = {"SSM_packageName": value.replace("PWNED", str(server.marker))}
    result = server.run(shell, env)
    assert result.returncode == 2 and "not a package name" in result.stderr
    assert result.stdout == "" and not server.marker.exists()


@pytest.mark.parametrize("shell", SHELLS)
def test_an_agent_too_old_for_env_var_parameters_fails_clearly(shell: str, tmp_path: Path) -> None:
    server = make_server(tmp_path)
    result = server.run(shell, {})
    assert result.returncode == 3 and "3.3.2746.0" in result.stderr and result.stdout == ""
    assert "SSM_packageName" not in os.environ  # the test itself did not leak one in
