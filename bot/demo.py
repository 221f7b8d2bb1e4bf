"""`pkgwhen demo`: the bot against local stand-ins of AWS and Slack, driven from a console as if typing in Slack."""

from __future__ import annotations

import shlex
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.plaintext import blocks_to_text
from bot.sim.fleet import Fleet
from bot.sim.slack import SlackStandIn
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
        if node.deleted_at is not None:
            label += "  (deleted: terminated or deregistered)"
        elif node.ping_status != "Online":
            label += f"  ({node.ping_status})"
        print(label, file=out)
    print(
        "Type slash commands as in Slack, e.g. /pkgwhen help, /pkgwhen i-0abc openssl, /inventory refresh i-0abc.\n"
        "Alerts and threads the bot posts in channels appear as they arrive. /simulate patch <server|all> <package>…\n"
        "patches simulated servers (inventory runs, Config records, the alert worker posts). /quit or EOF ends.",
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


CHANNEL_NAMES = {"C0OPS": "#ops", "C0ALERTS": "#pkg-alerts", "C0GENERAL": "#general"}


class ChannelFeed:
    """What the bot posts in channels by itself — change alerts, "Who changed it?" threads — as it appears."""

    def __init__(self, slack: SlackStandIn) -> None:
        self._slack = slack
        self._seen: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._lock = threading.Lock()

    def new(self) -> list[str]:
        with self._lock:
            posted = [m for m in self._slack.messages() if not m.ephemeral and m.response_url_id is None]
            shown = []
            for top in (m for m in posted if m.thread_ts in (None, m.ts)):
                text = blocks_to_text(top.text, top.blocks)
                replies = tuple(
                    blocks_to_text(r.text, r.blocks)
                    for r in posted
                    if r.thread_ts == top.ts and r.ts != top.ts
                )
                before = self._seen.get(top.ts)
                if before == (text, replies):
                    continue
                self._seen[top.ts] = (text, replies)
                where = CHANNEL_NAMES.get(top.channel, top.channel)
                lines = []
                if before is None or before[0] != text:
                    lines.append(f"pkgwhen in {where}{' (updated)' if before else ''}:")
                    lines += [f"  {line}" for line in text.splitlines()]
                else:
                    lines.append(
                        f"pkgwhen in {where}, in the thread of: {text.splitlines()[0] if text else ''}"
                    )
                for reply in replies[len(before[1]) if before and before[0] == text else 0 :]:
                    lines.append("    in the thread:")
                    lines += [f"      {line}" for line in reply.splitlines()]
                shown.append("\n".join(lines))
            return shown

    def print_new(self, out: TextIO) -> bool:
        posts = self.new()
        for post in posts:
            print(post + "\n", file=out, flush=True)
        return bool(posts)

    def wait_and_print(self, out: TextIO, timeout: float) -> None:
        """Print what arrives within `timeout`, and until nothing more arrives for a moment."""
        deadline = time.monotonic() + timeout
        quiet_since = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - quiet_since < 1.5:
            if self.print_new(out):
                quiet_since = time.monotonic()
            time.sleep(0.1)


def simulate(workspace: SimWorkspace, words: list[str], out: TextIO) -> bool:
    """`/simulate patch SERVER|all PACKAGE…`: someone patches servers, and inventory runs (console only)."""
    from bot.sim.alert_feed import simulate_update

    if len(words) < 3 or words[0] != "patch":
        print(
            "Usage: /simulate patch <server|all> <package>…  (e.g. /simulate patch all curl libcurl)",
            file=out,
        )
        return False
    wanted, packages = words[1].lower(), words[2:]
    nodes = [
        n
        for n in workspace.fleet.nodes()
        if n.platform_type == "Linux"
        and n.unmanaged_since is None
        and (wanted == "all" or n.node_id.startswith(wanted) or (n.name_tag or "").lower() == wanted)
    ]
    if not nodes:
        print(f"(no Linux server matches {words[1]})", file=out)
        return False
    recorded = simulate_update(workspace.fleet, [n.node_id for n in nodes], packages)
    names = ", ".join(n.name_tag or n.node_id for n in nodes)
    print(
        f"(simulated: `yum update {' '.join(packages)}` on {names}; inventory ran; Config recorded {recorded} item(s))\n",
        file=out,
    )
    return True


def run_line(
    workspace: SimWorkspace, line: str, user: str, out: TextIO, feed: ChannelFeed | None = None
) -> bool:
    """Send one typed command; False when it got no reply."""
    line = line.strip()
    if not line.startswith("/"):
        print("Commands start with /, e.g. /pkgwhen help", file=out)
        return False
    command, _, text = line.partition(" ")
    items_before = sum(len(n.items) for n in workspace.fleet.nodes())
    if command == "/simulate":
        ok = simulate(workspace, text.split(), out)
    else:
        answer = workspace.command(command, text.strip(), user=user)
        if not answer.shown:
            print(f"(no reply to {shlex.quote(line)})", file=out)
            return False
        render(answer, out)
        ok = True
    if feed is not None:
        recorded = sum(len(n.items) for n in workspace.fleet.nodes()) > items_before
        # A new Config item reaches the channel through SNS, SQS and the worker: give it a few seconds.
        feed.wait_and_print(out, timeout=15 if recorded else 1)
    return ok


def run_demo(
    *,
    history: Sequence[Path] = (),
    commands: Sequence[str] = (),
    user: str = ALLOWED_USERS[0],
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> int:
    fleet = load_fleet(history)
    organization = None
    if not history:
        from bot.sim.organization import build_organization

        # The default fleet's account manages an organization: more accounts and regions, for fleet questions.
        organization = build_organization(fleet)
    # The stand-in collects inventory in about a second; follow a refresh at that pace.
    with SimWorkspace(
        fleet,
        env={"PKGWHEN_REFRESH_POLL_INTERVAL": "1s"},
        alerts=True,
        organization=organization,
        config_bucket=organization is not None,
    ) as workspace:
        banner(workspace, user, out)
        feed = ChannelFeed(workspace.slack)
        if commands:
            results = []
            for line in commands:
                print(f"> {line}", file=out)
                results.append(run_line(workspace, line, user, out, feed))
            return 0 if all(results) else 1
        interactive = stdin.isatty()
        stop = threading.Event()
        if interactive:
            # Alerts arrive while you type, as in a channel.
            threading.Thread(target=_print_feed, args=(feed, out, stop), daemon=True).start()
        try:
            while True:
                if interactive:
                    print("> ", end="", file=out, flush=True)
                line = stdin.readline()
                if not line or line.strip() in QUIT:
                    return 0
                if not line.strip():
                    continue
                if not interactive:
                    print(f"> {line.strip()}", file=out)
                run_line(workspace, line, user, out, None if interactive else feed)
        finally:
            stop.set()


def _print_feed(feed: ChannelFeed, out: TextIO, stop: threading.Event) -> None:
    while not stop.wait(0.5):
        feed.print_new(out)
