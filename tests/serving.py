"""For tests that run `pkgwhen serve` as a separate process: the environment that points it at the stand-ins."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from bot.sim.aws import AwsStandIn
from bot.sim.slack import SlackStandIn


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def served_environment(
    moto_url: str, slack: SlackStandIn, aws: AwsStandIn, state_dir: Path, **slack_settings: str
) -> dict[str, str]:
    """This process's environment without pkgwhen's, Slack's or AWS's variables, plus the stand-ins' addresses."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PKGWHEN_", "AWS_"))}
    return {
        **clean,
        **slack_settings,
        "SLACK_API_URL": slack.api_url,
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ENDPOINT_URL_CONFIG_SERVICE": aws.url,
        "AWS_ENDPOINT_URL_SSM": aws.url,
        "AWS_ENDPOINT_URL_EC2": aws.url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "PKGWHEN_STATE_DIR": str(state_dir / "state"),
        "PKGWHEN_PORT": str(free_port()),
    }


def serve_until_it_exits(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`pkgwhen serve` run to its end: for starts that must fail."""
    return subprocess.run(
        [sys.executable, "-m", "bot.runtime.cli", "serve"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
