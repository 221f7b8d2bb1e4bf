"""The `pkgwhen` command: demo, serve."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.core.settings import Settings, SettingsError
from bot.runtime.memory import limit_malloc_arenas

log = logging.getLogger("pkgwhen")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pkgwhen", description="When did a package change on a server? Ask Slack."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", help="run the bot against local stand-ins of AWS and Slack, in a console"
    )
    demo.add_argument(
        "--run", action="append", default=[], metavar="CMD", help="run this slash command and exit"
    )
    demo.add_argument(
        "--history",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="replay this `aws configservice get-resource-config-history` export instead of the simulated fleet",
    )
    demo.add_argument("--user", default=None, metavar="U…", help="the Slack user ID you type as")

    ask = commands.add_parser("ask", help='answer a command in the terminal, e.g. pkgwhen ask "/pkgwhen i-0abc openssl"')
    ask.add_argument("line", metavar='"/pkgwhen SERVER PACKAGE …"')
    ask.add_argument("--tz", default="UTC", help="the time zone of dates typed without one (default UTC)")

    commands.add_parser("serve", help="run the bot for a real Slack workspace and AWS account")
    worker = commands.add_parser("worker", help="post change alerts from the SQS queue of Config notifications")
    worker.add_argument(
        "--wait-seconds", type=int, default=5,
        help="long-poll wait per receive (0-20, default 5; kept under PKGWHEN_STOP_TIMEOUT so a stop never waits for it)",
    )
    worker.add_argument("--visibility-timeout", type=int, default=120, help="seconds a received message stays hidden")
    worker.add_argument("--retry-delay", type=int, default=30, help="seconds before a failed message is tried again")
    worker.add_argument(
        "--slack-timeout", type=int, default=10,
        help="seconds a call to Slack may take; after an unknown outcome the channel is read for the post 3 times this later",
    )
    explain = commands.add_parser("explain", help="what the alert worker would post for a message body, or why not")
    explain.add_argument("file", type=Path, metavar="FILE", help="an SQS message body (any form Config delivers)")
    explain.add_argument(
        "--history", action="append", default=[], type=Path, metavar="H",
        help="the server's history (`aws configservice get-resource-config-history` output) instead of AWS Config",
    )
    return parser


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr
    )


def main(argv: Sequence[str] | None = None) -> int:
    limit_malloc_arenas()
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "ask":
            return _ask(args)
        if args.command == "serve":
            return _serve()
        if args.command == "worker":
            from bot.runtime.worker import worker_command

            return worker_command(args.wait_seconds, args.visibility_timeout, args.retry_delay, args.slack_timeout)
        if args.command == "explain":
            from bot.alerts.explain import explain_command

            return explain_command(args.file, args.history)
    except SettingsError as error:
        print(f"pkgwhen: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


def _demo(args: argparse.Namespace) -> int:
    from bot.runtime.demo import run_demo
    from bot.sim.history_export import HistoryFileError
    from bot.sim.workspace import ALLOWED_USERS

    configure_logging("WARNING")
    try:
        return run_demo(history=args.history, commands=args.run, user=args.user or ALLOWED_USERS[0])
    except HistoryFileError as error:
        print(f"pkgwhen: {error}", file=sys.stderr)
        return 2


def _ask(args: argparse.Namespace) -> int:
    """The same answer the bot gives in Slack, as the demo console shows it, against the configured AWS account."""
    from bot.core.errors import PkgwhenError
    from bot.core.query import parse_pkgwhen, wants_help, zone_for
    from bot.core.usage import PKGWHEN_USAGE
    from bot.runtime.services import build_services
    from bot.slack.messages import render_error, render_usage
    from bot.slack.plaintext import blocks_to_text
    from bot.usecases.answers import answer_query

    settings = Settings.from_env(require_slack=False)
    configure_logging("WARNING")
    command, _, text = args.line.strip().partition(" ")
    if command != "/pkgwhen":
        print("pkgwhen ask answers /pkgwhen commands, e.g. pkgwhen ask \"/pkgwhen i-0abc openssl\"", file=sys.stderr)
        return 2
    services = build_services(settings)
    try:
        if wants_help(text):
            message = render_usage(PKGWHEN_USAGE)
        else:
            zone, zone_name = zone_for(args.tz)
            query = parse_pkgwhen(text, now=services.clock(), zone=zone, zone_name=zone_name)
            message = answer_query(services, query, report=lambda t: print(t, file=sys.stderr))
    except PkgwhenError as error:
        print(blocks_to_text(render_error(error).text, render_error(error).blocks))
        return 1
    finally:
        services.close()
    print(blocks_to_text(message.text, message.blocks))
    return 0


def _serve() -> int:
    from bot.runtime.serve import serve

    return serve(Settings.from_env())


if __name__ == "__main__":
    sys.exit(main())
