"""`pkgwhen demo`: the bot against local stand-ins of AWS and Slack, driven from a console as if typing in Slack."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.sim.fleet import Fleet
from bot.sim.workspace import ALLOWED_USERS, OPS_CHANNEL, PEOPLE, Answer, SimWorkspace

QUIT = {"/quit", "/exit", "quit", "exit"}


def load_fleet(history: Sequence[Path]) -> Fleet:
    if history:
        from bot.sim.history_export import fleet_from_history_files

        return fleet_from_history_files(list(history))
    from bot.sim.default_fleet import build_default_fleet

    fleet = build_default_fleet()
    patched_a_minute_ago(fleet)
    return fleet


def patched_a_minute_ago(fleet: Fleet) -> None:
    """Someone ran `sudo yum update openssl sudo` on web-1 a minute ago; inventory has not seen it yet.

    So `/inventory refresh i-0abc` in the demo collects a real change, and Config records it.
    """
    from bot.sim.default_fleet import AL2_WEB

    node = fleet.node(AL2_WEB)
    if node is None:
        return
    at = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    updates = {
        "openssl": ("1.0.2k", "24.amzn2.0.12"),
        "openssl-libs": ("1.0.2k", "24.amzn2.0.12"),
        "sudo": ("1.8.23", "10.amzn2.3"),
    }
    with fleet.lock:
        for entry in list(node.entries()):
            if entry.get("Name") in updates:
                version, release = updates[entry["Name"]]
                source = "openssl" if entry["Name"].startswith("openssl") else entry["Name"]
                node.replace(
                    {
                        **entry,
                        "Version": version,
                        "Release": release,
                        "InstalledTime": at,
                        "PackageId": f"{source}-{version}-{release}.src.rpm",
                    }
                )


def banner(workspace: SimWorkspace, user: str, out: TextIO) -> None:
    name = next((n for u, n, _, _ in PEOPLE if u == user), user)
    allowed = "on" if user in ALLOWED_USERS else "NOT on"
    print(
        "pkgwhen demo — the real bot against local stand-ins of AWS (Config, SSM) and Slack. No accounts needed.",
        file=out,
    )
    print(
        f"You are {name} ({user}) in #ops ({OPS_CHANNEL}); you are {allowed} the write allow-list.", file=out
    )
    print("Servers in this simulated account:", file=out)
    for node in sorted(workspace.fleet.nodes(), key=lambda n: n.node_id):
        label = (
            f"  {node.node_id:<22} {node.name_tag or '-':<14} {node.platform_name} {node.platform_version}"
        )
        if node.ping_status != "Online":
            label += f"  ({node.ping_status})"
        print(label, file=out)
    print(
        "Type slash commands as in Slack, e.g. /pkgwhen help, /pkgwhen i-0abc openssl. /quit or EOF ends.",
        file=out,
    )


def render(answer: Answer, out: TextIO) -> None:
    if answer.status != 200:
        print(f"(the app answered HTTP {answer.status})", file=out)
    for shown in answer.shown:
        where = "in the channel" if shown.in_channel else "only visible to you"
        print(f"pkgwhen ({where}):", file=out)
        for line in shown.plain().splitlines():
            print(f"  {line}", file=out)
    print(file=out)


def run_line(workspace: SimWorkspace, line: str, user: str, out: TextIO) -> bool:
    """Send one typed command; False when it got no reply."""
    line = line.strip()
    if not line.startswith("/"):
        print("Commands start with /, e.g. /pkgwhen help", file=out)
        return False
    command, _, text = line.partition(" ")
    answer = workspace.command(command, text.strip(), user=user)
    if not answer.shown:
        print(f"(no reply to {shlex.quote(line)})", file=out)
        return False
    render(answer, out)
    return True


def run_demo(
    *,
    history: Sequence[Path] = (),
    commands: Sequence[str] = (),
    user: str = ALLOWED_USERS[0],
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> int:
    fleet = load_fleet(history)
    # The stand-in collects inventory in about a second; follow a refresh at that pace.
    with SimWorkspace(fleet, env={"PKGWHEN_REFRESH_POLL_INTERVAL": "1s"}) as workspace:
        banner(workspace, user, out)
        if commands:
            results = []
            for line in commands:
                print(f"> {line}", file=out)
                results.append(run_line(workspace, line, user, out))
            return 0 if all(results) else 1
        interactive = stdin.isatty()
        while True:
            if interactive:
                print("> ", end="", file=out, flush=True)
            line = stdin.readline()
            if not line:
                return 0
            if line.strip() in QUIT:
                return 0
            if not line.strip():
                continue
            if not interactive:
                print(f"> {line.strip()}", file=out)
            run_line(workspace, line, user, out)
