"""`pkgwhen demo`: the bot against local stand-ins of AWS and Slack, driven from a console as if typing in Slack."""

from __future__ import annotations

import shlex
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.sim.fleet import Fleet
from bot.sim.slack import SlackStandIn
from bot.sim.workspace import ALLOWED_USERS, OPS_CHANNEL, PEOPLE, Answer, Shown, SimWorkspace
from bot.slack.plaintext import blocks_to_text
from bot.slack.timeline_messages import WHO_CHANGED_ACTION

QUIT = {"/quit", "/exit", "quit", "exit"}
# The commands the app declares in its manifest; anything else is the console's own or unknown.
SLASH_COMMANDS = ("/pkgwhen", "/inventory")


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


def zone_name(user: str) -> str:
    """The Slack time zone of a person of the simulated workspace."""
    return next((tz for u, _, tz, _ in PEOPLE if u == user), "UTC")


def banner(workspace: SimWorkspace, user: str, out: TextIO, *, replayed: bool = False) -> None:
    name = next((n for u, n, _, _ in PEOPLE if u == user), user)
    allowed = "on" if user in ALLOWED_USERS else "NOT on"
    print(
        "pkgwhen demo — the real bot against local stand-ins of AWS (Config, SSM) and Slack. No accounts needed.",
        file=out,
    )
    print(
        f"You are {name} ({user}) in #ops ({OPS_CHANNEL}); you are {allowed} the write allow-list. Times are "
        f"shown as Slack shows them to you: in your Slack time zone, {zone_name(user)}.",
        file=out,
    )
    if replayed:
        print(
            f"Replaying exported history of account {workspace.fleet.account_id} in {workspace.fleet.region}: "
            "Config's history is yours; the servers themselves (SSM, their package managers) are simulated.",
            file=out,
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
        "Buttons show a number: /click N clicks one. Alerts and threads the bot posts in channels appear as they\n"
        "arrive. /simulate patch <server|all> <package>… patches simulated servers (inventory runs, Config\n"
        "records, the alert worker posts). /quit or EOF ends.",
        file=out,
    )


Button = tuple[Shown, Mapping[str, Any]]


def render(answer: Answer, out: TextIO, *, zone: tzinfo | None = None, buttons: list[Button] | None = None) -> None:
    """Print what the person sees; with `buttons`, the buttons of the messages still shown are numbered.

    An answer with buttons numbers them from 1 in `buttons`; one without leaves `buttons` as it was (the
    message they are on is still there, as after "Who changed it?" or Share).
    """
    if answer.status != 200:
        print(f"(the app answered HTTP {answer.status})", file=out)
    numbered: list[Button] = []
    for shown in answer.shown:
        where = "in the channel" if shown.in_channel else "only visible to you"
        print(f"pkgwhen ({where}):", file=out)
        found: list[Mapping[str, Any]] = []
        # A placeholder or an acknowledgement that a reply replaced is gone: its buttons cannot be clicked.
        live = shown is answer.last or shown.in_channel
        text = blocks_to_text(shown.text, shown.blocks, zone=zone, buttons=found if live and buttons is not None else None)
        for line in text.splitlines():
            print(f"  {line}", file=out)
        numbered += ((shown, element) for element in found)
    if buttons is not None and numbered:
        buttons[:] = numbered
    print(file=out)


CHANNEL_NAMES = {"C0OPS": "#ops", "C0ALERTS": "#pkg-alerts", "C0GENERAL": "#general"}


class ChannelFeed:
    """What the bot posts in channels by itself — change alerts, "Who changed it?" threads — as it appears."""

    def __init__(self, slack: SlackStandIn, zone: tzinfo | None = None) -> None:
        self._slack = slack
        self._zone = zone
        self._seen: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._lock = threading.Lock()

    def new(self) -> list[str]:
        with self._lock:
            posted = [m for m in self._slack.messages() if not m.ephemeral and m.response_url_id is None]
            shown = []
            for top in (m for m in posted if m.thread_ts in (None, m.ts)):
                text = blocks_to_text(top.text, top.blocks, zone=self._zone)
                replies = tuple(
                    blocks_to_text(r.text, r.blocks, zone=self._zone)
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


CONSOLE_COMMANDS = "/click N, /simulate patch <server|all> <package>…, /quit"
REPLAYED_WHY = (
    "(demo: this server is replayed from an exported history, so nobody can ask its package manager. The "
    "package-manager history above is simulated from Config's recorded changes: its users, command lines "
    "and times are made up, not read from your server.)"
)


@dataclass
class Console:
    """One person typing in the demo: what they last saw (its numbered buttons) and how to show times."""

    workspace: SimWorkspace
    user: str
    out: TextIO
    feed: ChannelFeed | None = None
    replayed: bool = False
    buttons: list[Button] = field(default_factory=list)

    @property
    def zone(self) -> tzinfo:
        return ZoneInfo(zone_name(self.user))

    def run(self, line: str) -> bool:
        """Send one typed line; False when it got no reply."""
        line = line.strip()
        if not line.startswith("/"):
            print("Commands start with /, e.g. /pkgwhen help", file=self.out)
            return False
        command, _, text = line.partition(" ")
        items_before = sum(len(n.items) for n in self.workspace.fleet.nodes())
        posts_before = self._posts()
        asked_why = False
        if command == "/simulate":
            ok = simulate(self.workspace, text.split(), self.out)
        elif command == "/click":
            pressed = self.click(text.split())
            asked_why = isinstance(pressed, tuple)
            clicked = pressed[0] if isinstance(pressed, tuple) else pressed
            ok = self.show(clicked, line) if isinstance(clicked, Answer) else clicked
        elif command in SLASH_COMMANDS:
            asked_why = command == "/pkgwhen" and text.split()[-1:] == ["why"]
            ok = self.show(self.workspace.command(command, text.strip(), user=self.user), line)
        else:
            print(
                f"pkgwhen answers {' and '.join(SLASH_COMMANDS)}; this console also takes {CONSOLE_COMMANDS}. "
                f"{command} is none of them.\n",
                file=self.out,
            )
            return False
        if self.feed is not None:
            recorded = sum(len(n.items) for n in self.workspace.fleet.nodes()) > items_before
            # A new Config item reaches the channel through SNS, SQS and the worker: give it a few seconds.
            self.feed.wait_and_print(self.out, timeout=15 if recorded else 1)
        if asked_why and self.replayed and self._posts() > posts_before:
            print(REPLAYED_WHY + "\n", file=self.out)
        return ok

    def _posts(self) -> int:
        """Messages the bot posted in the channel (a "Who changed it?" answer is a thread there)."""
        return len([m for m in self.workspace.slack.messages(OPS_CHANNEL) if not m.ephemeral])

    def show(self, answer: Answer, line: str) -> bool:
        if not answer.shown:
            print(f"(no reply to {shlex.quote(line)})", file=self.out)
            return False
        render(answer, self.out, zone=self.zone, buttons=self.buttons)
        return True

    def click(self, words: list[str]) -> Answer | tuple[Answer] | bool:
        """`/click N`: the button numbered N of what was last shown (a tuple when it was "Who changed it?").

        A button that asks first shows Slack's question (True) until `/click N yes`; a wrong N: False.
        """
        if not words or not words[0].isdigit() or not 1 <= int(words[0]) <= len(self.buttons):
            numbers = f"1 to {len(self.buttons)}" if self.buttons else "none: no message with buttons is shown"
            print(f"Usage: /click N, with N the number of a button shown (now {numbers}).\n", file=self.out)
            return False
        number = int(words[0])
        shown, button = self.buttons[number - 1]
        confirm = button.get("confirm")
        if isinstance(confirm, Mapping) and words[1:] != ["yes"]:
            asks = "; ".join(str((confirm.get(k) or {}).get("text", "")) for k in ("title", "text"))
            print(f"Slack asks first: {asks} Type /click {number} yes to go ahead.\n", file=self.out)
            return True
        answer = self.workspace.press(shown, button, user=self.user, channel=OPS_CHANNEL)
        return (answer,) if button.get("action_id") == WHO_CHANGED_ACTION else answer


def run_line(
    workspace: SimWorkspace, line: str, user: str, out: TextIO, feed: ChannelFeed | None = None
) -> bool:
    """Send one typed line with no console state (no buttons to click); False when it got no reply."""
    return Console(workspace, user, out, feed).run(line)


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
        banner(workspace, user, out, replayed=bool(history))
        feed = ChannelFeed(workspace.slack, ZoneInfo(zone_name(user)))
        console = Console(workspace, user, out, feed, replayed=bool(history))
        if commands:
            results = []
            for line in commands:
                print(f"> {line}", file=out)
                results.append(console.run(line))
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
                console.feed = None if interactive else feed
                console.run(line)
        finally:
            stop.set()


def _print_feed(feed: ChannelFeed, out: TextIO, stop: threading.Event) -> None:
    while not stop.wait(0.5):
        feed.print_new(out)
